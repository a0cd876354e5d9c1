using System.Text.Json;
using System.Text.Json.Nodes;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Policy;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Binds the policy's rules to the model's weights and builds their projections from the constraint kinds (built-in and
/// plugin). Every problem is a <see cref="PolicyException"/> pointing at the rule's line in the policy file.
/// </summary>
internal sealed class PolicyBinding(CompressionPolicy policy, ConstraintKindRegistry kinds)
{
    /// <summary>One state per weight that a rule matches (the first matching rule wins); a rule that matches nothing is an error.</summary>
    public List<LayerState> BindLayers(GraphModule module)
    {
        var weights = module.Parameters.Where(p => p.Role == ParameterRole.Weight).ToList();
        var layers = new List<LayerState>();
        var used = new bool[policy.Layers.Count];
        foreach (var p in weights)
        {
            var index = IndexOfRule(p.Name);
            if (index < 0) continue;
            used[index] = true;
            var rule = policy.Layers[index];
            var layout = new WeightLayout(p.Name, p.OpType, (int[])p.Shape.Clone());
            var layer = new LayerState(p, rule, layout);
            if (rule.Prune is { } prune)
                layer.Prune = CreateProjection(prune.Structure, layout, SettingsOf(prune), $"{rule.JsonPath}.prune");
            else if (rule.Constraint is { Phase: "prune" } c)
                layer.Prune = CreateProjection(c.Kind, layout, c.Settings ?? default, $"{rule.JsonPath}.constraint");
            if (rule.Quantize is { } q)
            {
                // Probe now, so layout-dependent errors show before training starts.
                CreateProjection(q.Levels, new WeightLayout(p.Name, p.OpType, [Math.Max(1, layout.Count)]), SettingsOf(q), $"{rule.JsonPath}.quantize");
            }
            else if (rule.Constraint is { Phase: "quantize" } cq)
            {
                CreateProjection(cq.Kind, layout, cq.Settings ?? default, $"{rule.JsonPath}.constraint");
            }
            layers.Add(layer);
        }
        for (var i = 0; i < used.Length; i++)
        {
            if (!used[i])
                throw policy.Error($"{policy.Layers[i].JsonPath}.match",
                    $"'{policy.Layers[i].Match}' matches no weight (or only weights an earlier rule took); weights: {string.Join(", ", weights.Select(w => w.Name))}");
        }
        return layers;
    }

    /// <summary>The bias of each layer whose rule quantizes biases, with its projection (uniform levels on the whole vector).</summary>
    public List<(Parameter Bias, IWeightProjection Projection)> BindBiases(GraphModule module, List<LayerState> layers)
    {
        var biases = new List<(Parameter, IWeightProjection)>();
        foreach (var l in layers)
        {
            if (l.Rule.Bias is not { } q) continue;
            var bias = module.Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias && p.NodeName == l.Parameter.NodeName);
            if (bias is null) continue; // a layer without bias: nothing to quantize
            var layout = new WeightLayout(bias.Name, bias.OpType, [bias.Value.Size]);
            biases.Add((bias, CreateProjection(q.Levels, layout, SettingsOf(q), $"{l.Rule.JsonPath}.bias")));
        }
        return biases;
    }

    /// <summary>Projects each bound bias onto its levels (once, after the last phase).</summary>
    public static void QuantizeBiases(List<(Parameter Bias, IWeightProjection Projection)> biases)
    {
        foreach (var (bias, projection) in biases)
        {
            var b = bias.Value.AsSpan();
            projection.Project(b, b);
        }
    }

    /// <summary>Quantization projections act on the survivors only: the pruning mask is frozen and zero is a level.</summary>
    public void BuildQuantizeProjections(List<LayerState> layers, bool activate)
    {
        foreach (var l in layers)
        {
            if (l.Quantize is null && l.Prune is PeTernaryProjection joint && l.Rule.Prune is not null)
            {
                // The structure is frozen: the same joint set on the kept groups, all of them kept (ternary inside).
                l.Quantize = joint.FrozenTo(MaskedWeights(l));
            }
            else if (l.Quantize is null)
            {
                var mask = l.Mask ?? Enumerable.Repeat(true, l.Layout.Count).ToArray();
                if (l.Rule.Quantize is { } q)
                {
                    var path = $"{l.Rule.JsonPath}.quantize";
                    l.Quantize = new MaskedProjection(l.Layout, mask, layout => CreateProjection(q.Levels, layout, SettingsOf(q), path));
                }
                else if (l.Rule.Constraint is { Phase: "quantize" } c)
                {
                    // Plugin kinds may depend on positions, so they see the whole tensor; the mask is re-applied after.
                    var inner = CreateProjection(c.Kind, l.Layout, c.Settings ?? default, $"{l.Rule.JsonPath}.constraint");
                    l.Quantize = new MaskReapplyingProjection(inner, l.Mask);
                }
            }
            if (activate && l.Quantize is not null && l.Z is not null) l.Active = l.Quantize;
        }
    }

    private static float[] MaskedWeights(LayerState l)
    {
        // FrozenTo reads the groups from the nonzeros; the mask holds whole groups, so mark every masked weight.
        var marks = new float[l.Layout.Count];
        for (var i = 0; i < marks.Length; i++) marks[i] = l.Mask is null || l.Mask[i] ? 1f : 0f;
        return marks;
    }

    /// <summary>The fraction of units the layer's pruning rule keeps (1 without one).</summary>
    public static double KeepOf(LayerState l) => l.Rule.Prune?.Keep ?? 1;

    /// <summary>The same structure at a looser keep fraction (ramps, magnitude rounds); plugin and n:m kinds prune in one shot.</summary>
    public IWeightProjection IntermediatePrune(LayerState l, double keep)
    {
        if (l.Rule.Prune is not { } prune || prune.Structure == "n:m") return l.Prune!;
        var node = JsonNode.Parse(SettingsOf(prune).GetRawText())!.AsObject();
        node.Remove("ratio");
        node["keep"] = keep;
        return CreateProjection(prune.Structure, l.Layout, JsonSerializer.SerializeToElement(node), $"{l.Rule.JsonPath}.prune");
    }

    private int IndexOfRule(string weightName)
    {
        for (var i = 0; i < policy.Layers.Count; i++)
            if (policy.Layers[i].Matches(weightName)) return i;
        return -1;
    }

    private static JsonElement SettingsOf(PruneRule prune) =>
        prune.Settings ?? JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["keep"] = prune.Keep, ["structure"] = prune.Structure });

    private static JsonElement SettingsOf(QuantizeRule q) =>
        q.Settings ?? JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["bits"] = q.Bits, ["levels"] = q.Levels });

    private IWeightProjection CreateProjection(string kindName, WeightLayout layout, JsonElement settings, string path)
    {
        var kind = kinds.Find(kindName) ?? throw policy.Error(path, $"unknown constraint kind '{kindName}' (known: {string.Join(", ", kinds.Kinds.Select(k => k.Name))})");
        try
        {
            return kind.Create(layout, settings);
        }
        catch (ConstraintSettingsException ex)
        {
            var problem = ex.Message.StartsWith(ex.Field + ": ", StringComparison.Ordinal) ? ex.Message[(ex.Field.Length + 2)..] : ex.Message;
            throw policy.Error($"{path}.{ex.Field}", $"{problem} (layer {layout.LayerName}, shape [{string.Join(",", layout.Shape)}])");
        }
    }
}
