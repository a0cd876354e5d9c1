using System.Text.Json;

namespace AdmmNn.Core.Policy;

/// <summary>A constraint of any registered kind, typically from a plugin.</summary>
public sealed record ConstraintRule
{
    /// <summary>The kind's name.</summary>
    public string Kind { get; init; } = "";

    /// <summary><c>prune</c> (default: projected in the pruning phase, then masked) or <c>quantize</c> (projected in the
    /// quantization phase on the pruned weights, then frozen).</summary>
    public string Phase { get; init; } = "prune";

    /// <summary>The raw <c>constraint</c> object, handed to the kind as its settings.</summary>
    public JsonElement? Settings { get; init; }
}
