using System.Text.Json;

namespace AdmmNn.Core.Policy;

/// <summary>A sparsity rule: how much to keep and in what structure.</summary>
public sealed record PruneRule
{
    /// <summary>Fraction of units kept, in (0,1] (pruning ratio = 1/keep).</summary>
    public double Keep { get; init; } = 1;

    /// <summary>Built-in sparsity kind: unstructured, filter, channel, block, n:m.</summary>
    public string Structure { get; init; } = "unstructured";

    /// <summary>The raw <c>prune</c> object, handed to the constraint kind as its settings.</summary>
    public JsonElement? Settings { get; init; }
}
