namespace AdmmNn.Tensors;

/// <summary>
/// A dense, contiguous, row-major float32 tensor (NCHW for images). It is a thin view over a <c>float[]</c>:
/// the engine reuses tensors between batches, so a tensor returned by a module is only valid until the next call
/// unless documented otherwise.
/// </summary>
public sealed class Tensor
{
    private readonly float[] _data;

    /// <summary>Creates a zero-filled tensor.</summary>
    public Tensor(int[] shape)
    {
        Shape = CheckShape(shape);
        Size = SizeOf(Shape);
        _data = Size == 0 ? [] : new float[Size];
    }

    /// <summary>Wraps <paramref name="data"/> (no copy); its length must equal the element count of <paramref name="shape"/>.</summary>
    public Tensor(float[] data, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        Shape = CheckShape(shape);
        Size = SizeOf(Shape);
        if (data.Length != Size)
        {
            throw new ArgumentException($"Tensor: shape [{string.Join(",", Shape)}] needs {Size} values but the array holds {data.Length}.", nameof(data));
        }

        _data = data;
    }

    /// <summary>Dimensions (do not modify).</summary>
    public int[] Shape { get; }

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>The underlying array (length == <see cref="Size"/>).</summary>
    internal float[] Data => _data;

    /// <summary>The elements, row-major.</summary>
    public Span<float> AsSpan() => _data.AsSpan();

    /// <summary>A copy of the elements.</summary>
    public float[] ToArray() => (float[])_data.Clone();

    /// <summary>A deep copy.</summary>
    public Tensor Clone() => new(ToArray(), (int[])Shape.Clone());

    /// <summary>A tensor sharing this one's storage with another shape of the same element count.</summary>
    public Tensor Reshape(int[] shape) => new(_data, shape);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Array.Clear(_data);

    /// <summary>True when <paramref name="shape"/> equals this tensor's shape.</summary>
    public bool HasShape(ReadOnlySpan<int> shape) => shape.SequenceEqual(Shape);

    /// <summary>The shape as text, e.g. <c>[64,1,28,28]</c>.</summary>
    public string ShapeText => ShapeToText(Shape);

    /// <inheritdoc />
    public override string ToString() => $"Tensor{ShapeText}";

    /// <summary>Formats a shape as <c>[a,b,c]</c>.</summary>
    public static string ShapeToText(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    /// <summary>Element count of a shape.</summary>
    public static int SizeOf(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape)
        {
            size *= d;
        }

        if (size > int.MaxValue)
        {
            throw new ArgumentException($"Tensor: shape {ShapeToText(shape)} has more than {int.MaxValue} elements.");
        }

        return (int)size;
    }

    private static int[] CheckShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor: shape {ShapeToText(shape)} has a negative dimension.", nameof(shape));
            }
        }

        return shape;
    }
}
