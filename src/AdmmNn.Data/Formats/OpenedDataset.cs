using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>An <see cref="IDataset"/> assembled by a built-in format: its splits and what to close with it.</summary>
internal sealed class OpenedDataset(string name, string format, IReadOnlyList<IDatasetSplit> splits, IReadOnlyList<string> classNames,
    params IDisposable[] resources) : IDataset
{
    public string Name { get; } = name;

    public string Format { get; } = format;

    public IReadOnlyList<IDatasetSplit> Splits { get; } = splits;

    public int ClassCount => ClassNames.Count;

    public IReadOnlyList<string> ClassNames { get; } = classNames;

    public void Dispose()
    {
        foreach (var r in resources) r.Dispose();
    }

    /// <summary>Class names "0".."n-1" for formats that store none.</summary>
    public static string[] NumberedClasses(int count) =>
        Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
