using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>A split over a <see cref="LabeledImageSet"/> already in memory (IDX files are read whole).</summary>
internal sealed class InMemorySplit(string name, LabeledImageSet set) : IDatasetSplit
{
    public string Name { get; } = name;

    public string? ImagesPath => set.ImagesPath;

    public int Count => set.Count;

    public SampleShape? Shape => new SampleShape(set.Height, set.Width, set.Channels);

    public int LabelOf(int index) => set.Labels[index];

    public DatasetSample Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var shape = Shape!.Value;
        var chw = set.Pixels.AsSpan(index * shape.Size, shape.Size);
        var hwc = new byte[shape.Size];
        var plane = shape.Height * shape.Width;
        for (var c = 0; c < shape.Channels; c++)
            for (var i = 0; i < plane; i++) hwc[i * shape.Channels + c] = chw[c * plane + i];
        return new DatasetSample(shape, hwc, set.Labels[index], $"{set.ImagesPath ?? set.Name}[{index}]");
    }
}
