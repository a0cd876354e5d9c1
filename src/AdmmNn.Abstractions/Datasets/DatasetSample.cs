namespace AdmmNn.Abstractions.Datasets;

/// <summary>
/// One decoded sample: pixels interleaved height × width × channels (the layout decoders and NumPy HWC arrays use), as
/// bytes (0..255) or as floats (float32 sources), and its label.
/// </summary>
public sealed class DatasetSample
{
    /// <summary>A sample of byte pixels.</summary>
    public DatasetSample(SampleShape shape, byte[] pixels, int label, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != shape.Size) throw new ArgumentException($"{pixels.Length} bytes for a {shape} sample", nameof(pixels));
        Shape = shape;
        Bytes = pixels;
        Label = label;
        Source = source;
    }

    /// <summary>A sample of float pixels.</summary>
    public DatasetSample(SampleShape shape, float[] pixels, int label, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != shape.Size) throw new ArgumentException($"{pixels.Length} floats for a {shape} sample", nameof(pixels));
        Shape = shape;
        Floats = pixels;
        Label = label;
        Source = source;
    }

    /// <summary>Height, width, channels.</summary>
    public SampleShape Shape { get; }

    /// <summary>Byte pixels H×W×C, or null for a float sample.</summary>
    public byte[]? Bytes { get; }

    /// <summary>Float pixels H×W×C, or null for a byte sample.</summary>
    public float[]? Floats { get; }

    /// <summary>The class label.</summary>
    public int Label { get; }

    /// <summary>Where it came from, for messages: a file name, or "file[index]".</summary>
    public string Source { get; }
}
