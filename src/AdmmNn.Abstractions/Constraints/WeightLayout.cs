namespace AdmmNn.Abstractions.Constraints;

/// <summary>
/// Where a weight tensor sits and how it is shaped. Projections see the weights row-major in
/// <see cref="Shape"/>; the GEMM view has one row per output channel (<c>Shape[0]</c>) and
/// <see cref="Columns"/> = the product of the remaining dimensions.
/// </summary>
/// <param name="LayerName">The weight's (initializer's) name, for messages.</param>
/// <param name="OpType">The consuming op (<c>Conv</c>, <c>Gemm</c>, <c>MatMul</c>).</param>
/// <param name="Shape">Weight shape: <c>[out, in/groups, kh, kw]</c> for Conv, <c>[out, in]</c> for dense layers.</param>
public sealed record WeightLayout(string LayerName, string OpType, int[] Shape)
{
    /// <summary>Number of elements.</summary>
    public int Count => Shape.Aggregate(1, (a, d) => a * d);

    /// <summary>Rows of the GEMM view (output channels).</summary>
    public int Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Columns of the GEMM view (fan-in per output channel).</summary>
    public int Columns => Rows == 0 ? 0 : Count / Rows;

    /// <summary>Elements per input-channel slice of one filter (<c>kh·kw</c> for Conv, 1 for dense).</summary>
    public int KernelArea => Shape.Length <= 2 ? 1 : Shape.Skip(2).Aggregate(1, (a, d) => a * d);
}
