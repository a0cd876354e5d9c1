// The one temp-file-then-rename helper, linked into every assembly that writes output files (Core, Reports, the CLI,
// bundled plugins), internal in each, so none keeps its own copy or naming scheme.
using System;
using System.IO;

namespace AdmmNn.Shared;

/// <summary>
/// Writes a file so that readers see the old content or the complete new content, never half a file: the content goes to
/// a hidden temporary file in the same folder (same file system), which is then renamed over the target. A failed or
/// cancelled write leaves no temporary file behind.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; the folder must exist unless <paramref name="createDirectory"/>.</summary>
    public static void Write(string path, Action<Stream> write, bool createDirectory = false)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (createDirectory) Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text, bool createDirectory = false) =>
        Write(path, stream =>
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        }, createDirectory);
}
