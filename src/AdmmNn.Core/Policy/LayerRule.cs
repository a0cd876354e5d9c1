using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Core.Policy;

/// <summary>One <c>layers[]</c> entry: a name glob and the constraints for the weights it matches.</summary>
public sealed record LayerRule
{
    /// <summary>Glob over weight (initializer) names: <c>*</c> any run, <c>?</c> one character.</summary>
    public string Match { get; init; } = "*";

    /// <summary>Sparsity constraint (ADMM pruning phase), or null.</summary>
    public PruneRule? Prune { get; init; }

    /// <summary>Level constraint on the survivors (ADMM quantization phase), or null.</summary>
    public QuantizeRule? Quantize { get; init; }

    /// <summary>
    /// Levels for the bias of each matched weight's layer, or null to keep biases as 32-bit floats. Biases are projected
    /// once, after the last phase: a few hundred floats are a large share of a model pruned 100×, while 8-bit levels move
    /// each bias by at most half a step (max|b|/254).
    /// </summary>
    public QuantizeRule? Bias { get; init; }

    /// <summary>A constraint of any registered kind (plugins), or null.</summary>
    public ConstraintRule? Constraint { get; init; }

    /// <summary>Per-layer ρ schedule overriding <see cref="CompressionSchedule.Rho"/>, or null.</summary>
    public RhoSchedule? Rho { get; init; }

    /// <summary>JSON path of this rule (<c>layers[2]</c>), for messages.</summary>
    [JsonIgnore]
    public string JsonPath { get; init; } = "";

    /// <summary>True when <paramref name="name"/> matches <see cref="Match"/>.</summary>
    public bool Matches(string name) => Glob.IsMatch(Match, name);
}
