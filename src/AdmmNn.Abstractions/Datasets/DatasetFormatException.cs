namespace AdmmNn.Abstractions.Datasets;

/// <summary>
/// A dataset file or folder that cannot be used: a corrupt or truncated image, an empty class folder, mixed sizes, a label
/// out of range, a wrong dtype or shape. The message is one line: "<c>file[index]: problem</c>".
/// </summary>
public sealed class DatasetFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/> (and the sample <paramref name="index"/>, when one is at fault).</summary>
    public DatasetFormatException(string path, string problem, int? index = null, Exception? inner = null)
        : base($"{path}{(index is { } i ? $"[{i}]" : "")}: {problem}", inner)
    {
        FilePath = path;
        Index = index;
        Problem = problem;
    }

    /// <summary>The file or folder at fault.</summary>
    public string FilePath { get; }

    /// <summary>The sample index at fault, if one is.</summary>
    public int? Index { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
