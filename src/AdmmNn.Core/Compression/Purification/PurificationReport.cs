namespace AdmmNn.Core.Compression.Purification;

/// <summary>
/// What purification and unused-path removal did (the <c>purification</c> section of the result JSON): filters and input
/// channels removed, and the model's size and multiply-accumulates before and after, per sample.
/// </summary>
public sealed class PurificationReport
{
    /// <summary>Output channels removed from Conv layers (each with its BatchNorm channel).</summary>
    public int FiltersRemoved { get; set; }

    /// <summary>Input channels cut from the Conv and Gemm layers that read a removed channel.</summary>
    public int ChannelsRemoved { get; set; }

    /// <summary>Filters that were entirely empty before purification.</summary>
    public int EmptyFilters { get; set; }

    /// <summary>
    /// Empty filters kept, because removing them would change the outputs: the constant their channel carries (a BatchNorm
    /// shift through a ReLU) reaches a padded convolution, or an Add whose other branch is live, or an op the analysis
    /// does not see through.
    /// </summary>
    public int EmptyFiltersKept { get; set; }

    /// <summary>Removed channels whose nonzero constant value (BatchNorm shift after an empty filter) was folded into the next layer's bias.</summary>
    public int ConstantsFolded { get; set; }

    /// <summary>Rounds of analysis run (the last one removed nothing).</summary>
    public int Rounds { get; set; }

    /// <summary>Parameters (all float initializers) before.</summary>
    public long ParametersBefore { get; set; }

    /// <summary>Parameters after.</summary>
    public long ParametersAfter { get; set; }

    /// <summary>Dense multiply-accumulates per sample before (every weight of the Conv/Gemm layers).</summary>
    public long DenseMacsBefore { get; set; }

    /// <summary>Dense multiply-accumulates per sample after: the purified layers' shapes.</summary>
    public long DenseMacsAfter { get; set; }

    /// <summary>Multiply-accumulates per sample on nonzero weights before.</summary>
    public long NonZeroMacsBefore { get; set; }

    /// <summary>Multiply-accumulates per sample on nonzero weights after.</summary>
    public long NonZeroMacsAfter { get; set; }

    /// <summary>Test accuracy of the purified model (fraction), when it was evaluated; it should equal the unpurified model's.</summary>
    public double? Accuracy { get; set; }

    /// <summary>Per Conv/Gemm weight.</summary>
    public List<PurifiedLayer> Layers { get; set; } = [];
}
