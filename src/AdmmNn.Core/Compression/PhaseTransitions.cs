using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Compression;

/// <summary>
/// What happens to the constrained weights when a phase starts, resumes or ends: ADMM variables created and dropped,
/// hard projections, the pruning mask frozen, quantized weights frozen; and the progressive-ADMM keep ramp.
/// </summary>
internal sealed class PhaseTransitions(CompressionPolicy policy, PolicyBinding binding)
{
    /// <summary>Iterations of the current ADMM pruning phase over which the keep fraction ramps (progressive ADMM).</summary>
    public int RampIterations { get; private set; }

    /// <summary>Sets the ramp for a phase of <paramref name="totalIterations"/> ADMM iterations.</summary>
    public void Plan(Phase phase, int totalIterations) =>
        RampIterations = phase.Kind == PhaseKind.AdmmPrune ? (int)Math.Round(totalIterations * policy.Schedule.AdmmRamp) : 0;

    /// <summary>The Z-step's set after <paramref name="completed"/> iterations: the target, or during the ramp the same
    /// structure at keep^((t+1)/(R+1)) — a pure function of the iteration, so a resumed run uses the same sets.</summary>
    public IWeightProjection PruneTargetAt(LayerState l, int completed) =>
        completed >= RampIterations ? l.Prune! : binding.IntermediatePrune(l, Math.Pow(PolicyBinding.KeepOf(l), (completed + 1.0) / (RampIterations + 1)));

    /// <summary>Enters <paramref name="phase"/> from the previous one.</summary>
    public void Start(Phase phase, List<LayerState> layers)
    {
        switch (phase.Kind)
        {
            case PhaseKind.AdmmPrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    StartAdmm(l, PruneTargetAt(l, 0), phase.Rates);
                }
                break;
            case PhaseKind.AdmmQuantize:
                binding.BuildQuantizeProjections(layers, activate: true);
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    StartAdmm(l, l.Quantize!, phase.Rates);
                }
                break;
            case PhaseKind.MagnitudePrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    var projection = phase.Round == phase.Rounds ? l.Prune! : binding.IntermediatePrune(l, Math.Pow(PolicyBinding.KeepOf(l), (double)phase.Round / phase.Rounds));
                    HardProject(l, projection);
                    l.Mask = StructureMask(l);
                }
                break;
            case PhaseKind.MagnitudeQuantize:
                binding.BuildQuantizeProjections(layers, activate: false);
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    HardProject(l, l.Quantize!);
                    l.Frozen = l.Parameter.Value.ToArray();
                }
                break;
        }
    }

    /// <summary>Re-enters <paramref name="phase"/> mid-way from a checkpoint: the active projections are rebuilt (quantization
    /// ones from the restored masks).</summary>
    public void Resume(Phase phase, List<LayerState> layers, int phaseIteration)
    {
        if (phase.Kind == PhaseKind.AdmmQuantize) binding.BuildQuantizeProjections(layers, activate: true);
        if (phase.Kind == PhaseKind.AdmmPrune) foreach (var l in layers.Where(l => l.Z is not null)) l.Active = PruneTargetAt(l, phaseIteration);
        foreach (var l in layers) if (l.Z is { } z) l.PenaltyClip = PenaltyClipping.Threshold(z, policy.Schedule.PenaltyClipping);
    }

    /// <summary>Leaves <paramref name="phase"/>: hard projection onto its set; the pruning mask or the quantized values freeze.</summary>
    public static void End(Phase phase, List<LayerState> layers)
    {
        switch (phase.Kind)
        {
            case PhaseKind.AdmmPrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    HardProject(l, l.Prune!);
                    l.Mask = StructureMask(l);
                    StopAdmm(l);
                }
                break;
            case PhaseKind.AdmmQuantize:
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    HardProject(l, l.Quantize!);
                    l.Frozen = l.Parameter.Value.ToArray();
                    StopAdmm(l);
                }
                break;
        }
    }

    private void StartAdmm(LayerState l, IWeightProjection projection, PhaseSchedule rates)
    {
        l.Active = projection;
        var w = l.Parameter.Value.AsSpan();
        l.Z = new float[w.Length];
        projection.Project(w, l.Z);
        l.PenaltyClip = PenaltyClipping.Threshold(l.Z, policy.Schedule.PenaltyClipping);
        l.U = new float[w.Length];
        l.Rho = l.RhoSchedule(policy, rates).At(0);
    }

    private static void StopAdmm(LayerState l)
    {
        l.Active = null;
        l.PenaltyClip = float.PositiveInfinity;
        l.Z = null;
        l.U = null;
    }

    private static void HardProject(LayerState l, IWeightProjection projection)
    {
        var w = l.Parameter.Value.AsSpan();
        projection.Project(w, w);
        if (l.Mask is { } mask) for (var i = 0; i < w.Length; i++) if (!mask[i]) w[i] = 0;
    }

    /// <summary>The frozen pruning mask: whole PE groups for joint PE-wise ternary sets (zeros inside a kept group may
    /// come back in retraining; the quantization phase decides them again), the support otherwise.</summary>
    private static bool[] StructureMask(LayerState l) =>
        l.Prune is PeTernaryProjection joint ? joint.StructureMask(l.Parameter.Value.AsSpan()) : Support(l.Parameter.Value.AsSpan());

    private static bool[] Support(ReadOnlySpan<float> w)
    {
        var mask = new bool[w.Length];
        for (var i = 0; i < w.Length; i++) mask[i] = w[i] != 0;
        return mask;
    }
}
