namespace AdmmNn.Abstractions.Models;

/// <summary>
/// A named constant tensor (an initializer or an attribute value). Exactly one of the typed arrays is set,
/// matching <see cref="ElementType"/>: <see cref="Floats"/> for Float32/Float64, <see cref="Int64s"/> for every integer
/// and boolean type.
/// </summary>
public sealed class TensorData
{
    /// <summary>Creates a float tensor; <paramref name="values"/> is used as is, not copied.</summary>
    public static TensorData FromFloats(string name, long[] dims, float[] values) =>
        new() { Name = name, Dims = dims, ElementType = ElementType.Float32, Floats = values };

    /// <summary>Creates an int64 tensor; <paramref name="values"/> is used as is, not copied.</summary>
    public static TensorData FromInt64s(string name, long[] dims, long[] values) =>
        new() { Name = name, Dims = dims, ElementType = ElementType.Int64, Int64s = values };

    /// <summary>The tensor's name (unique in a graph for initializers).</summary>
    public string Name { get; set; } = "";

    /// <summary>Dimensions; empty for a scalar.</summary>
    public long[] Dims { get; set; } = [];

    /// <summary>Element type.</summary>
    public ElementType ElementType { get; set; } = ElementType.Float32;

    /// <summary>Values for floating-point types, row-major.</summary>
    public float[]? Floats { get; set; }

    /// <summary>Values for integer and boolean types, row-major.</summary>
    public long[]? Int64s { get; set; }

    /// <summary>Number of elements the dims describe.</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}
