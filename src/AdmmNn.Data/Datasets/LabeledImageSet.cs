using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Datasets;

/// <summary>
/// A split (train or test) of a labeled image data set, kept as the raw bytes of its files (or as floats, for float32
/// sources). Pixels are stored N x C x H x W, one byte each; labels one byte per image. <see cref="Preprocessing"/> says how
/// <see cref="ToFloatImages"/> scales and normalizes them (its geometric steps were applied when the set was built).
/// </summary>
public sealed class LabeledImageSet
{
    /// <summary>Creates a set after checking that the sizes agree and every label is below <paramref name="classCount"/>.</summary>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public LabeledImageSet(string name, int channels, int height, int width, int classCount, byte[] pixels, byte[] labels,
        IReadOnlyList<string>? classNames = null)
        : this(name, channels, height, width, classCount, pixels, null, labels, classNames)
    {
    }

    /// <summary>A set of float pixels (N x C x H x W, before <see cref="Preprocessing"/>'s scaling), for float32 sources; <see cref="Pixels"/> is then empty.</summary>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public LabeledImageSet(string name, int channels, int height, int width, int classCount, float[] floatPixels, byte[] labels,
        IReadOnlyList<string>? classNames = null)
        : this(name, channels, height, width, classCount, [], floatPixels, labels, classNames)
    {
    }

    private LabeledImageSet(string name, int channels, int height, int width, int classCount, byte[] pixels, float[]? floatPixels, byte[] labels,
        IReadOnlyList<string>? classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (channels <= 0 || height <= 0 || width <= 0) throw new ArgumentException($"image shape {channels}x{height}x{width} must be positive");
        if (classCount is <= 0 or > 256) throw new ArgumentException($"class count {classCount} must be in 1..256");
        var sampleSize = (long)channels * height * width;
        if ((floatPixels?.LongLength ?? pixels.LongLength) != sampleSize * labels.LongLength)
            throw new ArgumentException($"{pixels.LongLength} pixels do not make {labels.Length} images of {channels}x{height}x{width}");
        var bad = Array.FindIndex(labels, l => l >= classCount);
        if (bad >= 0) throw new ArgumentException($"label {labels[bad]} of image {bad} is not below the class count {classCount}");
        if (classNames is not null && classNames.Count != classCount)
            throw new ArgumentException($"{classNames.Count} class names for {classCount} classes");

        Name = name;
        Channels = channels;
        Height = height;
        Width = width;
        ClassCount = classCount;
        Pixels = pixels;
        FloatPixels = floatPixels;
        Labels = labels;
        ClassNames = classNames ?? Enumerable.Range(0, classCount).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Float pixels N x C x H x W (before <see cref="Preprocessing"/>'s scaling), or null for a byte set.</summary>
    public float[]? FloatPixels { get; }

    /// <summary>How <see cref="ToFloatImages"/> scales and normalizes; the default is exactly pixel / 255.</summary>
    public ImagePreprocessing Preprocessing { get; init; } = ImagePreprocessing.Default;

    /// <summary>The data set's name and split, e.g. "fashion-mnist (train)".</summary>
    public string Name { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image (1 for MNIST-family sets).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount { get; }

    /// <summary>Human-readable class names, index = label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Raw pixels, N x C x H x W, 0..255.</summary>
    public byte[] Pixels { get; }

    /// <summary>One label per image, each below <see cref="ClassCount"/>.</summary>
    public byte[] Labels { get; }

    /// <summary>Where the images were read from, if from files.</summary>
    public string? ImagesPath { get; init; }

    /// <summary>Where the labels were read from, if from files.</summary>
    public string? LabelsPath { get; init; }

    /// <summary>
    /// Pixels as floats x/255 in N x C x H x W order. This is the one preprocessing used everywhere
    /// (training, evaluation, the runtime and exported models), so accuracies are comparable.
    /// </summary>
    public float[] ToFloatImages()
    {
        if (FloatPixels is null && Preprocessing.Equals(ImagePreprocessing.Default))
        {
            var result = new float[Pixels.Length];
            // Division, not multiplication by 1/255: the two differ in the last bit, and exporters compare bit-exactly.
            for (var i = 0; i < result.Length; i++) result[i] = Pixels[i] / 255f;
            return result;
        }

        // Sample by sample through the function the runtime uses, so training, evaluation and apps agree bit for bit.
        var shape = new SampleShape(Height, Width, Channels);
        var plane = Height * Width;
        var output = new float[(long)Count * shape.Size];
        var hwc = new float[shape.Size];
        for (var n = 0; n < Count; n++)
        {
            var offset = n * shape.Size;
            for (var c = 0; c < Channels; c++)
                for (var i = 0; i < plane; i++)
                    hwc[i * Channels + c] = FloatPixels is null ? Pixels[offset + c * plane + i] : FloatPixels[offset + c * plane + i];
            Preprocessing.Normalize(hwc, shape, output.AsSpan(offset, shape.Size));
        }

        return output;
    }

    /// <summary>Labels as ints.</summary>
    public int[] LabelsAsInt()
    {
        var result = new int[Labels.Length];
        for (var i = 0; i < result.Length; i++) result[i] = Labels[i];
        return result;
    }

    /// <summary>Number of images per class, index = label.</summary>
    public int[] ClassHistogram()
    {
        var counts = new int[ClassCount];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>The first <paramref name="count"/> images (or all, if fewer), e.g. for quick tests.</summary>
    public LabeledImageSet Take(int count)
    {
        count = Math.Clamp(count, 0, Count);
        var sample = Channels * Height * Width;
        return new LabeledImageSet(Name, Channels, Height, Width, ClassCount, FloatPixels is null ? Pixels.AsSpan(0, count * sample).ToArray() : [],
            FloatPixels?.AsSpan(0, count * sample).ToArray(), Labels.AsSpan(0, count).ToArray(), ClassNames)
        { ImagesPath = ImagesPath, LabelsPath = LabelsPath, Preprocessing = Preprocessing };
    }

    /// <summary>The same samples with another <see cref="Preprocessing"/> (its scaling and normalization; geometry is applied when a set is built).</summary>
    public LabeledImageSet WithPreprocessing(ImagePreprocessing preprocessing) => Select(Enumerable.Range(0, Count).ToArray(), Name, preprocessing);

    /// <summary>The samples at <paramref name="indices"/>, in that order, as a set called <paramref name="name"/>.</summary>
    public LabeledImageSet Select(int[] indices, string name, ImagePreprocessing? preprocessing = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sample = Channels * Height * Width;
        var labels = indices.Select(i => Labels[i]).ToArray();
        byte[] bytes = [];
        float[]? floats = null;
        if (FloatPixels is null)
        {
            bytes = new byte[(long)indices.Length * sample];
            for (var k = 0; k < indices.Length; k++) Pixels.AsSpan(indices[k] * sample, sample).CopyTo(bytes.AsSpan(k * sample));
        }
        else
        {
            floats = new float[(long)indices.Length * sample];
            for (var k = 0; k < indices.Length; k++) FloatPixels.AsSpan(indices[k] * sample, sample).CopyTo(floats.AsSpan(k * sample));
        }

        return new LabeledImageSet(name, Channels, Height, Width, ClassCount, bytes, floats, labels, ClassNames)
        { ImagesPath = ImagesPath, LabelsPath = LabelsPath, Preprocessing = preprocessing ?? Preprocessing };
    }
}
