namespace AdmmNn.TestUtilities;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on <see cref="Dispose"/>.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the folder; <paramref name="prefix"/> shows up in its name to help when one is left behind.</summary>
    public TempDirectory(string prefix = "admmnn-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relativePath"/> (creating subfolders) and returns its full path.</summary>
    public string WriteFile(string relativePath, byte[] bytes)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/> (creating subfolders) and returns its full path.</summary>
    public string WriteFile(string relativePath, string text)
    {
        var path = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Deletes the folder; a failure to delete never fails a test.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left behind in the temp folder; not worth failing a test over.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <inheritdoc />
    public override string ToString() => Path;
}
