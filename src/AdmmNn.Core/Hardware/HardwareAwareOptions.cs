namespace AdmmNn.Core.Hardware;

/// <summary>How <see cref="HardwareAwarePolicy"/> adjusts requested pruning ratios.</summary>
public sealed record HardwareAwareOptions
{
    /// <summary>What to do with layers requested below break-even.</summary>
    public BelowBreakEvenAction BelowBreakEven { get; init; } = BelowBreakEvenAction.KeepDense;

    /// <summary>Which layers make up for the ones kept dense (see <see cref="PreserveOverallRatio"/>).</summary>
    public CompressionGoal Goal { get; init; } = CompressionGoal.Storage;

    /// <summary>Replace an <c>unstructured</c> request by the target's first preferred sparsity kind that is available.</summary>
    public bool PreferTargetConstraints { get; init; } = true;

    /// <summary>Constraint kinds the compressor can run (null: any the target names).</summary>
    public IReadOnlyCollection<string>? AvailableConstraintKinds { get; init; }

    /// <summary>Requested constraint kind per weight name (missing: <c>unstructured</c>).</summary>
    public IReadOnlyDictionary<string, string>? RequestedConstraintKinds { get; init; }

    /// <summary>
    /// Largest pruning ratio for which a coarse preferred shape (<c>filter</c>, <c>channel</c>) replaces an
    /// <c>unstructured</c> request; above it the target's next preferred fine-grained shape is used, or unstructured.
    /// Removing whole filters 16× or 130× is not what a user asking for 16× unstructured means: on LeNet-5 it took the
    /// 80× model from 90 % to 19 % accuracy.
    /// </summary>
    public double MaxCoarseRatio { get; init; } = 4;

    /// <summary>A raised layer gets break-even × this, so measurement noise cannot put it back below.</summary>
    public double Margin { get; init; } = 1.1;

    /// <summary>Block height (rows of the GEMM view) when the target's preferred <c>block</c> shape replaces a request.</summary>
    public int BlockRows { get; init; } = 1;

    /// <summary>Block width (fan-in columns) for the <c>block</c> shape: 16 weights per PE, as the FPGA profile's <c>blockSize</c>.</summary>
    public int BlockColumns { get; init; } = 16;

    /// <summary>No layer is pruned beyond this ratio.</summary>
    public double MaxRatio { get; init; } = 1000;

    /// <summary>
    /// Keep the model's overall ratio (total weights / total nonzeros) at least what was requested: the nonzeros a
    /// layer kept dense adds are taken from the layers already above break-even, in <see cref="Goal"/> order.
    /// </summary>
    public bool PreserveOverallRatio { get; init; } = true;
}
