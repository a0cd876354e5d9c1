using System.Runtime.InteropServices;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Numpy;

namespace AdmmNn.Data.Formats;

/// <summary>A split stored as an images array (N×H×W, N×C×H×W or N×H×W×C; uint8 or float32) and a labels array (N; integers).</summary>
internal sealed class NumpySplit : IDatasetSplit
{
    private readonly NpyArray _images;
    private readonly int[] _labels;
    private readonly bool _channelsFirst;

    public NumpySplit(string name, NpyArray images, NpyArray labels)
    {
        Name = name;
        _images = images;
        var h = images.Header;
        if (h.DType is not (NpyDType.UInt8 or NpyDType.Float32))
            throw new DatasetFormatException(images.Name, $"images have dtype {h.DType}; expected uint8 or float32");
        var s = h.Shape;
        (SampleShape shape, _channelsFirst) = s.Length switch
        {
            3 => (new SampleShape(Dim(s[1]), Dim(s[2]), 1), false),
            4 when s[1] is 1 or 3 => (new SampleShape(Dim(s[2]), Dim(s[3]), (int)s[1]), true),
            4 when s[3] is 1 or 3 => (new SampleShape(Dim(s[1]), Dim(s[2]), (int)s[3]), false),
            4 => throw new DatasetFormatException(images.Name, $"shape {h.ShapeText} has no channel axis of 1 or 3 (expected N×C×H×W or N×H×W×C)"),
            _ => throw new DatasetFormatException(images.Name, $"images have shape {h.ShapeText}; expected N×H×W, N×C×H×W or N×H×W×C"),
        };
        if (shape.Height == 0 || shape.Width == 0) throw new DatasetFormatException(images.Name, $"images have the empty shape {h.ShapeText}");
        Shape = shape;
        if (s[0] > int.MaxValue) throw new DatasetFormatException(images.Name, $"{s[0]} images are too many");
        Count = (int)s[0];

        var lh = labels.Header;
        if (lh.DType == NpyDType.Float32) throw new DatasetFormatException(labels.Name, "labels have dtype float32; expected an integer type");
        if (lh.Shape.Length != 1 && !(lh.Shape.Length == 2 && lh.Shape[1] == 1))
            throw new DatasetFormatException(labels.Name, $"labels have shape {lh.ShapeText}; expected (N,) integer labels");
        if (lh.Shape[0] != Count)
            throw new DatasetFormatException(labels.Name, $"holds {lh.Shape[0]:N0} labels but {images.Name} holds {Count:N0} images");
        _labels = new int[Count];
        for (var i = 0; i < Count; i++)
        {
            var label = labels.ReadInteger(i);
            if (label is < 0 or > 65535) throw new DatasetFormatException(labels.Name, $"label {label} is out of range (0..65535)", i);
            _labels[i] = (int)label;
        }
    }

    public string Name { get; }

    public int Count { get; }

    public SampleShape? Shape { get; }

    public string Source => _images.Name;

    public int MaxLabel => _labels.Length == 0 ? -1 : _labels.Max();

    public int LabelOf(int index) => _labels[index];

    public DatasetSample Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var shape = Shape!.Value;
        var isFloat = _images.Header.DType == NpyDType.Float32;
        var raw = new byte[shape.Size * (isFloat ? 4 : 1)];
        _images.ReadRaw((long)index * shape.Size, raw);
        var source = $"{_images.Name}[{index}]";
        if (!isFloat) return new DatasetSample(shape, _channelsFirst ? ToHwc(raw, shape) : raw, _labels[index], source);
        var floats = MemoryMarshal.Cast<byte, float>(raw).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts");
        var bad = Array.FindIndex(floats, v => !float.IsFinite(v));
        if (bad >= 0) throw new DatasetFormatException(_images.Name, $"pixel {bad} is {floats[bad]}", index);
        return new DatasetSample(shape, _channelsFirst ? ToHwc(floats, shape) : floats, _labels[index], source);
    }

    private static T[] ToHwc<T>(T[] chw, SampleShape shape)
    {
        if (shape.Channels == 1) return chw;
        var plane = shape.Height * shape.Width;
        var hwc = new T[chw.Length];
        for (var c = 0; c < shape.Channels; c++)
            for (var i = 0; i < plane; i++) hwc[i * shape.Channels + c] = chw[c * plane + i];
        return hwc;
    }

    private static int Dim(long d) => d is >= 0 and <= 1 << 16 ? (int)d : throw new ArgumentOutOfRangeException(nameof(d), $"image dimension {d} is too large");
}
