namespace AdmmNn.Core.Compression;

/// <summary>
/// A checkpoint given to <c>--resume</c> is empty, truncated, corrupt (checksum mismatch) or not a checkpoint of this
/// format version. The message is one line naming the file and the field; the file is left as it was.
/// </summary>
public sealed class InvalidCheckpointException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>, <paramref name="field"/> and what is wrong.</summary>
    public InvalidCheckpointException(string path, string field, string problem)
        : base($"{path}: cannot resume from this checkpoint ({field}): {problem}")
    {
        Path = path;
        Field = field;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>The part of the file at fault (header, version, length, checksum, history, parameters, ...).</summary>
    public string Field { get; }
}
