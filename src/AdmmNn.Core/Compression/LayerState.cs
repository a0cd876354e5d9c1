using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Policy;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Core.Compression;

/// <summary>The compressor's per-weight state: its rule, projections, ADMM variables, mask and freeze flag.</summary>
internal sealed class LayerState(Parameter parameter, LayerRule rule, WeightLayout layout)
{
    public Parameter Parameter { get; } = parameter;

    public LayerRule Rule { get; } = rule;

    public WeightLayout Layout { get; } = layout;

    public string Name => Parameter.Name;

    /// <summary>Projection of the pruning phase (null when the rule has no sparsity constraint).</summary>
    public IWeightProjection? Prune { get; set; }

    /// <summary>Projection of the quantization phase (built once the mask is frozen; null when no level constraint).</summary>
    public IWeightProjection? Quantize { get; set; }

    /// <summary>The projection the current ADMM phase drives towards (null: not in this phase).</summary>
    public IWeightProjection? Active { get; set; }

    /// <summary>ADMM auxiliary variable Z (a member of the set).</summary>
    public float[]? Z { get; set; }

    /// <summary>Scaled dual variable U.</summary>
    public float[]? U { get; set; }

    /// <summary>Weight Penalty Clipping threshold τ for the displacement W − Z + U (+∞: no clipping).</summary>
    public float PenaltyClip { get; set; } = float.PositiveInfinity;

    /// <summary>Current ρ.</summary>
    public double Rho { get; set; }

    /// <summary>Pruning mask (true = survivor), fixed after the hard pruning projection; null = none.</summary>
    public bool[]? Mask { get; set; }

    /// <summary>Frozen values after the hard quantization projection; null = trainable.</summary>
    public float[]? Frozen { get; set; }

    /// <summary>The ρ schedule of this layer in <paramref name="phase"/>: the rule's own, else the phase's, else the schedule's.</summary>
    public RhoSchedule RhoSchedule(CompressionPolicy policy, PhaseSchedule phase) => Rule.Rho ?? phase.Rho ?? policy.Schedule.Rho;
}
