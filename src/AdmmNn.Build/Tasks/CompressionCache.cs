using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace AdmmNn.Build.Tasks;

/// <summary>
/// A content-addressed store of finished compressions, shared by every build on the machine (or a CI cache folder):
/// the key hashes the bytes of the model, policy, data and tool plus the settings, so a clean build, another clone or
/// another project with the same inputs reuses the result instead of training again.
/// Entries are folders <c>&lt;key&gt;/</c> holding the packed model and its reports, published by a rename so a reader
/// never sees half an entry.
/// </summary>
internal sealed class CompressionCache
{
    /// <summary>File name of the packed model inside an entry.</summary>
    public const string PackedName = "model.admmnn";

    private readonly string _root;

    /// <summary>Uses <paramref name="root"/> as the cache folder (created on first store).</summary>
    public CompressionCache(string root) => _root = root;

    /// <summary>
    /// The folder used when the AdmmNnCacheDirectory property is not set: <c>$ADMMNN_CACHE/builds</c> (ADMMNN_CACHE is the
    /// project-wide cache root, as in build/setup.sh), else <c>$XDG_CACHE_HOME/admmnn/builds</c>, else <c>~/.cache/admmnn/builds</c>.
    /// </summary>
    public static string DefaultRoot()
    {
        var root = Environment.GetEnvironmentVariable("ADMMNN_CACHE");
        if (!string.IsNullOrEmpty(root)) return Path.Combine(root, "builds");
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg! : Path.Combine(home, ".cache");
        return Path.Combine(baseDir, "admmnn", "builds");
    }

    /// <summary>
    /// The key: SHA-256 over each part, each prefixed with a label and length so "ab"+"c" never equals "a"+"bc".
    /// Files are hashed by content; a folder by its files' relative names and contents in ordinal order; any other
    /// string (a data set name, a target, extra arguments) by its text.
    /// </summary>
    public static string ComputeKey(IEnumerable<KeyValuePair<string, string>> parts)
    {
        using var sha = SHA256.Create();
        foreach (var part in parts)
        {
            AppendLabel(sha, part.Key);
            var value = part.Value ?? string.Empty;
            if (value.Length > 0 && File.Exists(value)) AppendFile(sha, value);
            else if (value.Length > 0 && Directory.Exists(value))
            {
                var files = Directory.GetFiles(value, "*", SearchOption.AllDirectories)
                    .Select(f => f.Substring(value.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/'))
                    .OrderBy(f => f, StringComparer.Ordinal);
                foreach (var relative in files)
                {
                    AppendLabel(sha, relative);
                    AppendFile(sha, Path.Combine(value, relative));
                }
            }
            else AppendLabel(sha, "text:" + value);
        }
        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return ToHex(sha.Hash!);
    }

    /// <summary>The entry folder of <paramref name="key"/> if it is complete, else null.</summary>
    public string? TryGet(string key)
    {
        var entry = Path.Combine(_root, key);
        return File.Exists(Path.Combine(entry, PackedName)) ? entry : null;
    }

    /// <summary>Publishes <paramref name="files"/> (source path, name in the entry) as the entry for <paramref name="key"/>.</summary>
    public void Store(string key, IEnumerable<KeyValuePair<string, string>> files)
    {
        Directory.CreateDirectory(_root);
        var entry = Path.Combine(_root, key);
        if (Directory.Exists(entry)) return;
        var staging = Path.Combine(_root, key + ".tmp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in files.Where(f => File.Exists(f.Key)))
                File.Copy(file.Key, Path.Combine(staging, file.Value));
            Directory.Move(staging, entry);
        }
        catch (IOException) when (Directory.Exists(entry))
        {
            // Another build published the same key first: its entry is as good as ours.
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static void AppendLabel(HashAlgorithm sha, string label)
    {
        var bytes = Encoding.UTF8.GetBytes(label);
        var length = BitConverter.GetBytes(bytes.Length);
        sha.TransformBlock(length, 0, length.Length, null, 0);
        sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
    }

    private static void AppendFile(HashAlgorithm sha, string path)
    {
        var buffer = new byte[81920];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = BitConverter.GetBytes(stream.Length);
        sha.TransformBlock(length, 0, length.Length, null, 0);
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) sha.TransformBlock(buffer, 0, read, null, 0);
    }

    private static string ToHex(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes) builder.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return builder.ToString();
    }
}
