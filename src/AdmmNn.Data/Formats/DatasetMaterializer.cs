using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Formats;

/// <summary>
/// Reads a whole split into a <see cref="LabeledImageSet"/> (what train, compress and evaluate hold): decodes on
/// <c>threads</c> workers, applies the preprocessing's colour/resize/crop, and checks every sample ends up the same size.
/// Byte sources stay one byte per pixel (resizing rounds, as a uint8 image does); float32 sources stay floats.
/// </summary>
public static class DatasetMaterializer
{
    /// <summary>Reads <paramref name="split"/> of <paramref name="dataset"/>.</summary>
    /// <exception cref="DatasetFormatException">A sample is unreadable, has another size than the first, or a label above 255; the lowest such index is reported.</exception>
    public static LabeledImageSet Load(IDataset dataset, IDatasetSplit split, ImagePreprocessing preprocessing, int threads = 2)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (split.Count == 0) throw new DatasetFormatException(dataset.Name, $"the {split.Name} split is empty");
        if (dataset.ClassCount > 256) throw new DatasetFormatException(dataset.Name, $"{dataset.ClassCount} classes: at most 256 are supported");

        // The first sample fixes the size and the kind (bytes or floats); the others must match it.
        var first = split.Read(0);
        if (first.Label < 0 || first.Label >= dataset.ClassCount)
            throw new DatasetFormatException(first.Source, $"label {first.Label} is out of range 0..{dataset.ClassCount - 1}", 0);
        var (firstPixels, shape) = preprocessing.Geometry(first);
        var floats = first.Floats is not null;
        preprocessing.CheckChannels(shape.Channels);
        var size = shape.Size;
        var total = (long)split.Count * size;
        if (total > Array.MaxLength) throw new DatasetFormatException(first.Source, $"{split.Count:N0} samples of {shape} do not fit in memory as one array");
        var bytes = floats ? null : new byte[total];
        var values = floats ? new float[total] : null;
        var labels = new byte[split.Count];
        var errors = new DatasetFormatException?[split.Count];

        void Store(int index, float[] hwc, int label)
        {
            labels[index] = (byte)label;
            var plane = shape.Height * shape.Width;
            var offset = (long)index * size;
            for (var c = 0; c < shape.Channels; c++)
            {
                for (var i = 0; i < plane; i++)
                {
                    var v = hwc[i * shape.Channels + c];
                    if (bytes is not null) bytes[offset + c * plane + i] = (byte)v;
                    else values![offset + c * plane + i] = v;
                }
            }
        }

        Store(0, firstPixels, first.Label);
        Parallel.For(1, split.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, (index, state) =>
        {
            try
            {
                var sample = split.Read(index);
                if (sample.Label is < 0 || sample.Label >= dataset.ClassCount)
                    throw new DatasetFormatException(sample.Source, $"label {sample.Label} is out of range 0..{dataset.ClassCount - 1}", index);
                if ((sample.Floats is not null) != floats)
                    throw new DatasetFormatException(sample.Source, $"holds {(floats ? "byte" : "float")} pixels unlike the first sample", index);
                var (hwc, s) = preprocessing.Geometry(sample);
                if (s != shape)
                {
                    throw new DatasetFormatException(sample.Source,
                        $"is {sample.Shape} ({s} after preprocessing) but {first.Source} is {shape}; declare data.resize and data.centerCrop (or data.color) so every image has one size",
                        index);
                }

                Store(index, hwc, sample.Label);
            }
            catch (DatasetFormatException ex)
            {
                errors[index] = ex;
                state.Stop();
            }
            catch (ArgumentException ex)
            {
                errors[index] = new DatasetFormatException(split.Name, ex.Message, index, ex);
                state.Stop();
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;

        var name = $"{dataset.Name} ({split.Name})";
        return values is not null
            ? new LabeledImageSet(name, shape.Channels, shape.Height, shape.Width, dataset.ClassCount, values, labels, dataset.ClassNames) { Preprocessing = preprocessing }
            : new LabeledImageSet(name, shape.Channels, shape.Height, shape.Width, dataset.ClassCount, bytes!, labels, dataset.ClassNames) { Preprocessing = preprocessing };
    }
}
