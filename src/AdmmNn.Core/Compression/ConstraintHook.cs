using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Plugs the constraints into the engine's training step. AfterBackward adds the ADMM proximal gradient
/// ρ(W − Z + U) (clipped by <see cref="PenaltyClipping"/> when the policy asks) and zeroes the gradients of pruned and frozen weights; AfterStep re-applies masks and frozen values,
/// so pruned weights stay exactly zero whatever the optimizer does (momentum, weight decay).
/// </summary>
internal sealed class ConstraintHook(IReadOnlyList<LayerState> layers) : ITrainingHook
{
    /// <summary>True while an ADMM phase runs (the proximal term is active for layers with <see cref="LayerState.Active"/>).</summary>
    public bool Admm { get; set; }

    public void AfterBackward(GraphModule model)
    {
        foreach (var l in layers)
        {
            var g = l.Parameter.Grad.AsSpan();
            if (Admm && l.Active is not null && l.Z is { } z && l.U is { } u)
            {
                PenaltyClipping.AddPenaltyGradient(g, l.Parameter.Value.AsSpan(), z, u, (float)l.Rho, l.PenaltyClip);
            }
            if (l.Frozen is not null)
            {
                g.Clear();
            }
            else if (l.Mask is { } mask)
            {
                for (var i = 0; i < g.Length; i++) if (!mask[i]) g[i] = 0;
            }
        }
    }

    public void AfterStep(GraphModule model)
    {
        foreach (var l in layers)
        {
            var w = l.Parameter.Value.AsSpan();
            if (l.Frozen is { } frozen)
            {
                frozen.CopyTo(w);
            }
            else if (l.Mask is { } mask)
            {
                for (var i = 0; i < w.Length; i++) if (!mask[i]) w[i] = 0;
            }
        }
    }
}
