namespace AdmmNn.Abstractions.Datasets;

/// <summary>One split of a dataset: a count of samples readable by index. Implementations are safe for concurrent reads.</summary>
public interface IDatasetSplit
{
    /// <summary>The split's name: one of <see cref="DatasetSplitNames"/>.</summary>
    string Name { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>The shape every sample has as stored, or null when samples differ in size (e.g. an image folder: a resize makes them equal).</summary>
    SampleShape? Shape { get; }

    /// <summary>The label of sample <paramref name="index"/>, without reading its pixels.</summary>
    int LabelOf(int index);

    /// <summary>Reads and decodes sample <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    /// <exception cref="DatasetFormatException">The sample cannot be read; the message names the file and the index.</exception>
    DatasetSample Read(int index);
}
