using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Shapes;

namespace AdmmNn.Graph.Simplification;

/// <summary>
/// A value the simplifier knows at import time: a float tensor, or an integer tensor whose elements may be symbolic
/// (a shape vector holding the batch size). Row-major.
/// </summary>
internal sealed class FoldedValue
{
    public FoldedValue(long[] dims, ElementType type, Dim[]? ints, float[]? floats)
    {
        Dims = dims;
        Type = type;
        Ints = ints;
        Floats = floats;
    }

    public long[] Dims { get; }
    public ElementType Type { get; }
    public Dim[]? Ints { get; }
    public float[]? Floats { get; }

    public bool IsFloat => Floats is not null;

    public long Count => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>True when every element is known (no symbolic or unknown entry).</summary>
    public bool IsKnown => Floats is not null || Ints!.All(d => d.IsKnown);

    public static FoldedValue From(TensorData t) =>
        t.Floats is { } f
            ? new FoldedValue(t.Dims, t.ElementType, null, f)
            : new FoldedValue(t.Dims, t.ElementType, (t.Int64s ?? []).Select(Dim.Of).ToArray(), null);

    public static FoldedValue OfInts(long[] dims, Dim[] values) => new(dims, ElementType.Int64, values, null);

    public static FoldedValue OfFloats(long[] dims, float[] values) => new(dims, ElementType.Float32, null, values);

    /// <summary>Same elements, other dims (Reshape, Squeeze, Unsqueeze, Identity).</summary>
    public FoldedValue WithDims(long[] dims) => new(dims, Type, Ints, Floats);

    /// <summary>Elements picked by <paramref name="sources"/> (indices into this value), with new dims.</summary>
    public FoldedValue Pick(long[] dims, int[] sources) =>
        new(dims, Type, Ints is null ? null : sources.Select(i => Ints[i]).ToArray(), Floats is null ? null : sources.Select(i => Floats[i]).ToArray());

    /// <summary>A copy as a tensor named <paramref name="name"/> (arrays copied, so initializers never alias). Needs <see cref="IsKnown"/>.</summary>
    public TensorData ToTensor(string name) => new()
    {
        Name = name,
        Dims = (long[])Dims.Clone(),
        ElementType = Type,
        Floats = (float[]?)Floats?.Clone(),
        Int64s = Ints?.Select(d => d.IsKnown ? d.Value : throw new InvalidOperationException("symbolic value")).ToArray(),
    };

    /// <summary>The known integer elements (null when some are symbolic or the value is float).</summary>
    public long[]? KnownInts => Ints is not null && Ints.All(d => d.IsKnown) ? Ints.Select(d => d.Value).ToArray() : null;
}
