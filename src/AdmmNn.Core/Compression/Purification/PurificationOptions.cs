namespace AdmmNn.Core.Compression.Purification;

/// <summary>How <see cref="Purifier"/> decides that a filter or an input channel is empty.</summary>
public sealed record PurificationOptions
{
    /// <summary>
    /// A filter (or the slice of a layer's weights reading one input channel) counts as empty when every weight in it has
    /// |w| ≤ <c>RelativeTolerance × max |W|</c> of its layer. The default 0 removes only exactly-zero filters, which keeps
    /// the purified model's outputs equal to the unpurified one's (up to float rounding of folded biases); a positive
    /// tolerance also drops negligible filters and changes outputs by their contribution.
    /// </summary>
    public double RelativeTolerance { get; init; }

    /// <summary>Rounds of analysis and removal (a removal can empty the weights that read another channel).</summary>
    public int MaxRounds { get; init; } = 8;
}
