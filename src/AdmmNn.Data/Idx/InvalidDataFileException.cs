namespace AdmmNn.Data.Idx;

/// <summary>
/// A data file that cannot be used: wrong magic number, unsupported element type, truncated, trailing bytes,
/// an impossible size or a label out of range. The message is one line naming the file and what is wrong.
/// </summary>
public sealed class InvalidDataFileException : Exception
{
    /// <summary>Creates the exception; the message becomes "<paramref name="path"/>: <paramref name="problem"/>".</summary>
    public InvalidDataFileException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file that is wrong.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
