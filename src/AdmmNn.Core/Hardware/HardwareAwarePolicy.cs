using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Makes requested per-layer pruning ratios pay off on a target: a layer below its break-even ratio is kept dense or
/// pruned past break-even (options say which), the target's preferred sparsity shape replaces an unstructured request,
/// and the nonzeros that dense layers add back are taken from the other sparse layers (convolutions first when the
/// goal is computation), so the overall ratio holds.
/// </summary>
public static class HardwareAwarePolicy
{
    /// <summary>Constraint kinds that choose which weights are zero (the others quantize).</summary>
    public static readonly IReadOnlySet<string> SparsityKinds = new HashSet<string> { "unstructured", "block", "filter", "channel", "n:m" };

    /// <summary>Adjusts <paramref name="requestedRatios"/> (weight name → weights/nonzeros; missing or 1 = dense).</summary>
    public static HardwareAwarePlan Apply(IHardwareTarget target, IReadOnlyList<LayerWorkload> layers,
        IReadOnlyDictionary<string, double> requestedRatios, HardwareAwareOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var available = options.AvailableConstraintKinds;
        bool IsAvailable(string kind) => available is null || available.Contains(kind, StringComparer.OrdinalIgnoreCase);
        var preferredSparsity = target.PreferredConstraints.Where(k => SparsityKinds.Contains(k) && IsAvailable(k)).ToList();
        var quantization = target.PreferredConstraints.FirstOrDefault(k => !SparsityKinds.Contains(k) && IsAvailable(k));

        var decisions = new List<HardwareAwareDecision>();
        foreach (var layer in layers)
        {
            var requested = Math.Max(1.0, requestedRatios.GetValueOrDefault(layer.Name, 1.0));
            var kind = options.RequestedConstraintKinds?.GetValueOrDefault(layer.Name) ?? "unstructured";
            var shapeNote = "";
            if (options.PreferTargetConstraints && kind == "unstructured"
                // n:m is never chosen for a ratio: its ratio is m/n, fixed by the shape the user picks.
                && preferredSparsity.FirstOrDefault(k => k != "n:m" && (!IsCoarse(k) || requested <= options.MaxCoarseRatio)) is { } preferred
                && preferred != kind)
            {
                var skipped = preferredSparsity.TakeWhile(k => k != preferred).Where(IsCoarse).ToList();
                kind = preferred;
                shapeNote = $"; {target.Name} prefers {kind}" + (skipped.Count > 0 ? $" ({string.Join("/", skipped)} only up to {Show(options.MaxCoarseRatio)})" : "");
            }
            var probe = layer with { NonZeros = layer.Weights, IndexBits = 0, Structure = StructureOf(kind) };
            var breakEven = target.BreakEvenPruningRatio(probe);
            double adjusted;
            string reason;
            if (requested <= 1.0)
            {
                (adjusted, reason) = (1.0, "not pruned by the policy");
            }
            else if (requested >= breakEven)
            {
                (adjusted, reason) = (requested, $"{requested:0.##}x is above break-even {Show(breakEven)}");
            }
            else if (options.BelowBreakEven == BelowBreakEvenAction.RaiseAboveBreakEven && breakEven * options.Margin <= options.MaxRatio)
            {
                adjusted = breakEven * options.Margin;
                reason = $"raised from {requested:0.##}x to {adjusted:0.##}x (break-even {Show(breakEven)})";
            }
            else
            {
                (adjusted, reason) = (1.0, $"kept dense: {requested:0.##}x is below break-even {Show(breakEven)}");
            }
            decisions.Add(new HardwareAwareDecision(layer.Name, layer.OpType, layer.Weights, requested, breakEven,
                Math.Min(adjusted, options.MaxRatio), kind, quantization, reason + shapeNote));
        }

        if (options.PreserveOverallRatio) Redistribute(decisions, layers, options);
        return new HardwareAwarePlan(target.Name, decisions);
    }

    /// <summary>Shapes that remove whole filters or channels: at high ratios they remove most of a layer's features.</summary>
    private static bool IsCoarse(string kind) => kind is "filter" or "channel";

    /// <summary>The <c>LayerWorkload.Structure</c> a constraint kind produces.</summary>
    public static string StructureOf(string constraintKind) => constraintKind switch
    {
        "block" or "filter" or "channel" or "n:m" => constraintKind,
        // PE-wise groups are blocks to a target: one index and one PE assignment per group.
        Constraints.Kinds.PeTernaryKind.KindName => "block",
        _ => "unstructured",
    };

    private static void Redistribute(List<HardwareAwareDecision> decisions, IReadOnlyList<LayerWorkload> layers, HardwareAwareOptions options)
    {
        static double Kept(HardwareAwareDecision d, double ratio) => d.Weights / Math.Max(1.0, ratio);
        var deficit = decisions.Sum(d => Kept(d, d.AdjustedRatio) - Kept(d, d.RequestedRatio));
        if (deficit <= 0) return;
        var macs = layers.ToDictionary(l => l.Name, l => l.DenseMacs);
        var order = decisions
            .Select((d, i) => (d, i))
            .Where(x => !x.d.KeepDense)
            .OrderByDescending(x => options.Goal == CompressionGoal.Computation && x.d.OpType == "Conv" ? 1 : 0)
            .ThenByDescending(x => options.Goal == CompressionGoal.Computation ? macs.GetValueOrDefault(x.d.LayerName) : x.d.Weights)
            .ToList();
        foreach (var (d, i) in order)
        {
            if (deficit <= 0) break;
            var kept = Kept(d, d.AdjustedRatio);
            var floor = d.Weights / options.MaxRatio;
            var take = Math.Min(deficit, kept - floor);
            if (take <= 0) continue;
            var ratio = d.Weights / (kept - take);
            deficit -= take;
            decisions[i] = d with
            {
                AdjustedRatio = ratio,
                Reason = d.Reason + $"; raised to {ratio:0.##}x to keep the overall ratio ({(options.Goal == CompressionGoal.Computation ? "computation goal" : "storage goal")})",
            };
        }
    }

    private static string Show(double ratio) => double.IsPositiveInfinity(ratio) ? "never" : $"{ratio:0.##}x";
}
