namespace AdmmNn.Core.Compression;

/// <summary>
/// Everything a compression run measured: the stable, documented JSON contract (camelCase) that reports and the MSBuild
/// task read (see docs/policy.md, "Result file"). Fields are only ever added, never renamed.
/// </summary>
public sealed class CompressionResult
{
    /// <summary>Version of this JSON shape.</summary>
    public int FormatVersion { get; set; } = 1;

    /// <summary>Model name (input file).</summary>
    public string Model { get; set; } = "";

    /// <summary><c>admm</c> or <c>magnitude</c>.</summary>
    public string Method { get; set; } = "admm";

    /// <summary>Dataset name.</summary>
    public string Dataset { get; set; } = "";

    /// <summary>Policy file path, when loaded from a file.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>The policy as run (echo, with defaults filled in).</summary>
    public object? Policy { get; set; }

    /// <summary>Hardware target name, when the policy names one.</summary>
    public string? Target { get; set; }

    /// <summary>Hardware-aware analysis (latency/energy before and after per layer) when a target was given; its shape belongs
    /// to the hardware plugins (see docs/plugins.md); null otherwise.</summary>
    public System.Text.Json.JsonElement? Hardware { get; set; }

    /// <summary>Test accuracy of the input model (fraction).</summary>
    public double BaselineAccuracy { get; set; }

    /// <summary>Test accuracy of the compressed model (fraction).</summary>
    public double FinalAccuracy { get; set; }

    /// <summary>BaselineAccuracy − FinalAccuracy.</summary>
    public double AccuracyDrop { get; set; }

    /// <summary>Test loss of the input model.</summary>
    public double BaselineLoss { get; set; }

    /// <summary>Test loss of the compressed model.</summary>
    public double FinalLoss { get; set; }

    /// <summary>Test samples evaluated.</summary>
    public int TestSamples { get; set; }

    /// <summary>
    /// Which split each figure comes from: <c>baselineAccuracy</c>/<c>finalAccuracy</c> (the test split),
    /// <c>monitorAccuracy</c> (iterations and phases: the validation split when there is one), and each split's origin.
    /// </summary>
    public Dictionary<string, string> Splits { get; set; } = [];

    /// <summary>Dense float32 bytes of all parameters (weights and biases).</summary>
    public long OriginalBytes { get; set; }

    /// <summary>Payload bytes of all parameters as the packed format stores them (per-tensor rounding).</summary>
    public long CompressedBytes { get; set; }

    /// <summary>Weights of the constrained-op layers (Conv/Gemm/MatMul), dense.</summary>
    public long DenseWeights { get; set; }

    /// <summary>Nonzero weights of those layers.</summary>
    public long NonZeroWeights { get; set; }

    /// <summary>All parameters (weights + biases + others), dense.</summary>
    public long DenseParameters { get; set; }

    /// <summary>DenseWeights / NonZeroWeights.</summary>
    public double PruningRatio { get; set; }

    /// <summary>Exact bits of the weight tensors (codes + relative indices + codebooks/scales).</summary>
    public long WeightBits { get; set; }

    /// <summary>Exact bits of every parameter tensor (weights and biases).</summary>
    public long TotalBits { get; set; }

    /// <summary>32 × DenseWeights / WeightBits: the weight storage ratio.</summary>
    public double WeightStorageRatio { get; set; }

    /// <summary>32 × DenseParameters / TotalBits: the whole-model storage ratio, biases included (the headline figure).</summary>
    public double StorageRatio { get; set; }

    /// <summary>Multiply-accumulates per sample of the dense model.</summary>
    public long MacsBefore { get; set; }

    /// <summary>Multiply-accumulates per sample that touch a nonzero weight.</summary>
    public long MacsAfter { get; set; }

    /// <summary>Per-tensor table.</summary>
    public List<LayerReport> Layers { get; set; } = [];

    /// <summary>One entry per ADMM iteration (or logging interval outside ADMM phases).</summary>
    public List<IterationRecord> Iterations { get; set; } = [];

    /// <summary>Per-phase summary.</summary>
    public List<PhaseReport> Phases { get; set; } = [];

    /// <summary>Gate checks.</summary>
    public List<GateResult> Gates { get; set; } = [];

    /// <summary>True when every gate passed.</summary>
    public bool Passed { get; set; } = true;

    /// <summary>Wall-clock seconds of the whole run (including time before a resume).</summary>
    public double WallSeconds { get; set; }

    /// <summary>Worker threads the engine used.</summary>
    public int Threads { get; set; }

    /// <summary>True when the run continued from a checkpoint.</summary>
    public bool Resumed { get; set; }

    /// <summary>UTC time the run finished (ISO 8601).</summary>
    public string FinishedUtc { get; set; } = "";
}
