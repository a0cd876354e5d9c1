using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Applies <see cref="HardwareAwarePolicy"/> to a compression policy: reads each weight's requested ratio and kind from
/// the first matching rule's <c>prune</c> section, asks the target, and returns a policy whose layer rules are one exact
/// rule per weight carrying the adjusted keep fraction and constraint shape (no <c>prune</c> for layers kept dense;
/// quantization, plugin constraints and ρ are kept as the user wrote them, and a dense-kept <c>pe-ternary</c> layer keeps
/// its ternary levels). Each new rule keeps the original rule's
/// JSON path, so errors still point into the user's policy file.
/// </summary>
public static class HardwareAwarePolicies
{
    /// <summary>
    /// A new policy adjusted for <paramref name="target"/> (the input is not changed) and the plan behind it (for reports).
    /// Weights no rule matches, and rules whose sparsity comes from a plugin <c>constraint</c> instead of <c>prune</c>,
    /// are left as they were.
    /// </summary>
    public static CompressionPolicy Adjust(CompressionPolicy policy, ModelGraph graph, int[]? sampleShape, IHardwareTarget target,
        HardwareAwareOptions options, out HardwareAwarePlan plan)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var layers = BreakEvenAnalyzer.Workloads(graph, sampleShape);
        var ruleOf = new Dictionary<string, LayerRule>();
        var requested = new Dictionary<string, double>();
        var kinds = new Dictionary<string, string>();
        foreach (var layer in layers)
        {
            var rule = policy.Layers.FirstOrDefault(r => r.Matches(layer.Name));
            if (rule is null) continue;
            ruleOf[layer.Name] = rule;
            if (rule.Prune is { } prune && prune.Keep > 0)
            {
                requested[layer.Name] = 1.0 / prune.Keep;
                kinds[layer.Name] = prune.Structure;
            }
        }

        plan = HardwareAwarePolicy.Apply(target, layers.Where(l => requested.ContainsKey(l.Name)).ToList(), requested,
            options with { RequestedConstraintKinds = kinds });

        var rewritten = new List<LayerRule>();
        var decisions = plan.Layers.ToList();
        foreach (var layer in layers)
        {
            if (!ruleOf.TryGetValue(layer.Name, out var original)) continue;
            var decision = plan.For(layer.Name);
            // `with`: every field of the rule (and of the policy below) carries over unless named here.
            var rule = original with
            {
                Match = layer.Name,
                Prune = decision is null ? original.Prune : decision.KeepDense ? null : PruneFor(decision, original.Prune!, options),
            };
            if (decision is { KeepDense: true } && DensePeTernaryLevels(original) is { } levels)
            {
                rule = rule with { Constraint = levels };
                var i = decisions.IndexOf(decision);
                decisions[i] = decision with { Reason = decision.Reason + $"; keeps its {levels.Kind} levels (every group kept, quantization phase)" };
            }
            rewritten.Add(rule);
        }
        plan = plan with { Layers = decisions };
        return policy with { Layers = rewritten };
    }

    /// <summary>
    /// A <c>pe-ternary</c> rule is sparsity and levels in one set, so dropping its <c>prune</c> for a layer kept dense
    /// would also drop its ternary levels and leave the layer float32. Keep the levels as <c>quantize</c> rules keep theirs:
    /// the same kind (its PE geometry and <c>alpha</c>) with every group kept, as a quantization-phase constraint (it needs
    /// the layer's shape, which the survivor-only <c>quantize</c> path does not give). A rule that already has a
    /// quantization-phase constraint keeps that one (null: nothing to add).
    /// </summary>
    private static ConstraintRule? DensePeTernaryLevels(LayerRule original)
    {
        if (original.Prune is not { } originalPrune || originalPrune.Structure != Constraints.Kinds.PeTernaryKind.KindName || original.Constraint is not null) return null;
        var settings = new Dictionary<string, object> { ["kind"] = originalPrune.Structure, ["phase"] = "quantize", ["keep"] = 1.0 };
        if (originalPrune.Settings is { ValueKind: JsonValueKind.Object } given)
            foreach (var property in given.EnumerateObject())
                if (property.Name is not ("keep" or "ratio" or "structure")) settings[property.Name] = property.Value;
        return new ConstraintRule
        {
            Kind = originalPrune.Structure,
            Phase = "quantize",
            Settings = JsonSerializer.SerializeToElement(settings),
        };
    }

    private static PruneRule PruneFor(HardwareAwareDecision decision, PruneRule original, HardwareAwareOptions options)
    {
        var keep = 1.0 / decision.AdjustedRatio;
        if (decision.ConstraintKind == original.Structure && Math.Abs(keep - original.Keep) < 1e-12) return original;
        var settings = new Dictionary<string, object> { ["keep"] = keep, ["structure"] = decision.ConstraintKind };
        if (decision.ConstraintKind == "block" && original.Structure != "block")
        {
            settings["rows"] = options.BlockRows;
            settings["cols"] = options.BlockColumns;
        }
        else if (original.Settings is { ValueKind: JsonValueKind.Object } given)
        {
            // Same shape as asked: keep the user's other settings (e.g. block rows/cols), replace only keep.
            foreach (var property in given.EnumerateObject())
                if (property.Name is not ("keep" or "ratio" or "structure")) settings[property.Name] = property.Value;
        }
        return new PruneRule
        {
            Keep = keep,
            Structure = decision.ConstraintKind,
            Settings = JsonSerializer.SerializeToElement(settings),
        };
    }
}
