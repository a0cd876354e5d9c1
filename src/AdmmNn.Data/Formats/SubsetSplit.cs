using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>Some samples of another split, by index: a held-out fraction, or what remains after holding one out.</summary>
public sealed class SubsetSplit(string name, IDatasetSplit source, int[] indices) : IDatasetSplit
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <summary>The indices into the source split.</summary>
    public IReadOnlyList<int> Indices => indices;

    /// <inheritdoc/>
    public int Count => indices.Length;

    /// <inheritdoc/>
    public SampleShape? Shape => source.Shape;

    /// <inheritdoc/>
    public int LabelOf(int index) => source.LabelOf(indices[index]);

    /// <inheritdoc/>
    public DatasetSample Read(int index) => source.Read(indices[index]);
}
