namespace AdmmNn.Core.Policy;

/// <summary>How each phase trains. Epochs may be fractional; <see cref="MaxBatchesPerEpoch"/> caps an epoch.</summary>
public sealed record CompressionSchedule
{
    /// <summary>Mini-batch size of every phase.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>When set, an "epoch" is at most this many batches (for quick runs and tests).</summary>
    public int? MaxBatchesPerEpoch { get; init; }

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>Momentum for SGD.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>K: mini-batches between Z/U updates (one ADMM iteration).</summary>
    public int AdmmInterval { get; init; } = 200;

    /// <summary>Early stop of an ADMM phase when every layer's primal ‖W−Z‖/‖W‖ and relative dual
    /// ρ‖Z−Z_prev‖/‖W‖ residual fall below this.</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>Test samples evaluated after every ADMM iteration for the history (the final figure uses all).</summary>
    public int MonitorSamples { get; init; } = 1000;

    /// <summary>
    /// Progressive ADMM: over the first <c>admmRamp</c> fraction of the ADMM pruning iterations the Z-step's keep fraction
    /// ramps geometrically from 1 towards the target (iteration t of R keeps keep^((t+1)/(R+1))), so the network is never
    /// pulled towards the final sparsity at once; 0 = classic ADMM with the target set from the first iteration.
    /// </summary>
    public double AdmmRamp { get; init; } = 0.5;

    /// <summary>
    /// Weight Penalty Clipping: 0 = off; otherwise the ADMM penalty's displacement W − Z + U is clipped per weight to
    /// ±(this factor × the layer's mean nonzero |Z|), recomputed after every Z-step (self-adapting; see
    /// <c>PenaltyClipping</c> and docs/policy.md). 0.5 with ternary levels = the decision threshold a/2.
    /// </summary>
    public double PenaltyClipping { get; init; }

    /// <summary>
    /// Dead-unit removal: after the hard projection of ADMM pruning, after that of ADMM quantization and before and
    /// after the biases are quantized, zero the weights and biases that cannot change the output (a unit whose readers' weights
    /// are all zero; the readers of a unit whose weights are all zero and whose bias is 0, or negative before a ReLU),
    /// and take them out of the masks. Exact; it only saves storage (docs/policy.md, "Dead units").
    /// </summary>
    public bool RemoveDeadUnits { get; init; }

    /// <summary>Prune-and-retrain rounds of the magnitude baseline (<c>--method magnitude</c>): round r keeps
    /// keep^(r/rounds), and the rounds share the ADMM pruning + retraining epoch budget equally.</summary>
    public int MagnitudeRounds { get; init; } = 4;

    /// <summary>ρ schedule shared by all layers unless a layer overrides it.</summary>
    public RhoSchedule Rho { get; init; } = new();

    /// <summary>Distillation from the input model in every phase, or null for labels only.</summary>
    public DistillationSettings? Distillation { get; init; }

    /// <summary>ADMM pruning phase.</summary>
    public PhaseSchedule AdmmPrune { get; init; } = new() { Epochs = 4, LearningRate = 1e-3 };

    /// <summary>Masked retraining after the hard pruning projection.</summary>
    public PhaseSchedule Retrain { get; init; } = new() { Epochs = 3, LearningRate = 5e-4 };

    /// <summary>ADMM quantization phase on the survivors.</summary>
    public PhaseSchedule AdmmQuantize { get; init; } = new() { Epochs = 2, LearningRate = 2e-4 };

    /// <summary>Fine-tuning of what stays float (biases) after the hard quantization projection.</summary>
    public PhaseSchedule Finetune { get; init; } = new() { Epochs = 0.5, LearningRate = 1e-4 };
}
