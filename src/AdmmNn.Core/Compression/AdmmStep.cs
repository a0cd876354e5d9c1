using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Compression;

/// <summary>
/// One ADMM iteration over every layer in an ADMM phase: Z = Π(W + U), U += W − Z, the primal and dual residuals,
/// the early-stop test and the ρ update (with U rescaled so the dual price ρU stays put).
/// </summary>
internal static class AdmmStep
{
    /// <summary>Runs the iteration (or, outside ADMM phases, only records the loss) and returns its log record.</summary>
    public static IterationRecord Iterate(Phase phase, List<LayerState> layers, Checkpoint state, double loss, CompressionPolicy policy, PhaseTransitions transitions)
    {
        var record = new IterationRecord
        {
            Iteration = state.History.Count + 1, Phase = phase.Name, PhaseIteration = state.PhaseIteration, Batch = state.BatchInPhase, Loss = loss,
        };
        if (!phase.IsAdmm) return record;
        var allConverged = true;
        double maxPrimal = 0, maxDual = 0;
        foreach (var l in layers)
        {
            if (phase.Kind == PhaseKind.AdmmPrune && l.Active is not null) l.Active = transitions.PruneTargetAt(l, state.PhaseIteration);
            if (l.Active is not { } projection || l.Z is not { } z || l.U is not { } u) continue;
            var w = l.Parameter.Value.AsSpan();
            var previous = (float[])z.Clone();
            var v = new float[w.Length];
            for (var i = 0; i < w.Length; i++) v[i] = w[i] + u[i];
            projection.Project(v, z);
            l.PenaltyClip = PenaltyClipping.Threshold(z, policy.Schedule.PenaltyClipping);
            double wNorm = 0, diff = 0, dz = 0;
            for (var i = 0; i < w.Length; i++)
            {
                u[i] += w[i] - z[i];
                wNorm += (double)w[i] * w[i];
                diff += ((double)w[i] - z[i]) * ((double)w[i] - z[i]);
                dz += ((double)z[i] - previous[i]) * ((double)z[i] - previous[i]);
            }
            wNorm = Math.Sqrt(wNorm);
            var primal = Math.Sqrt(diff) / Math.Max(wNorm, 1e-12);
            var dual = l.Rho * Math.Sqrt(dz);
            record.Layers.Add(new LayerResidual { Name = l.Name, Primal = primal, Dual = dual, Rho = l.Rho });
            maxPrimal = Math.Max(maxPrimal, primal);
            maxDual = Math.Max(maxDual, dual);
            if (primal > policy.Schedule.Tolerance || dual / Math.Max(wNorm, 1e-12) > policy.Schedule.Tolerance) allConverged = false;
            // U is the scaled dual (y/ρ): when ρ changes it must be rescaled, or the dual price ρU jumps with ρ
            // (Boyd et al. 2011, §3.4.1) and drags W away from the loss minimum as ρ grows.
            var nextRho = l.RhoSchedule(policy, phase.Rates).At(state.PhaseIteration);
            if (nextRho != l.Rho)
            {
                var scale = (float)(l.Rho / nextRho);
                for (var i = 0; i < u.Length; i++) u[i] *= scale;
            }
            l.Rho = nextRho;
        }
        record.PrimalResidual = maxPrimal;
        record.DualResidual = maxDual;
        if (record.Layers.Count > 0 && allConverged) state.EarlyStopped = true;
        return record;
    }
}
