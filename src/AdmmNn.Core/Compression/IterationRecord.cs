namespace AdmmNn.Core.Compression;

/// <summary>One ADMM iteration (every K batches) or logging interval of a non-ADMM phase.</summary>
public sealed class IterationRecord
{
    /// <summary>Running index over the whole run, 1-based.</summary>
    public int Iteration { get; set; }

    /// <summary>Phase name.</summary>
    public string Phase { get; set; } = "";

    /// <summary>Iteration within the phase, 1-based.</summary>
    public int PhaseIteration { get; set; }

    /// <summary>Batches done in the phase.</summary>
    public int Batch { get; set; }

    /// <summary>Mean training loss over the interval (including the ADMM proximal term's effect on training, not its value).</summary>
    public double Loss { get; set; }

    /// <summary>Accuracy on the monitor subset of the test set (NaN when not evaluated).</summary>
    public double Accuracy { get; set; }

    /// <summary>Largest per-layer primal residual ‖W−Z‖/‖W‖ (null outside ADMM phases).</summary>
    public double? PrimalResidual { get; set; }

    /// <summary>Largest per-layer dual residual ρ‖Z−Z_prev‖ (null outside ADMM phases).</summary>
    public double? DualResidual { get; set; }

    /// <summary>Per-layer residuals (ADMM phases only).</summary>
    public List<LayerResidual> Layers { get; set; } = [];
}
