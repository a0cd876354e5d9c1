using System.Text.Json;

namespace AdmmNn.Core.Policy;

/// <summary>A level rule for the surviving weights.</summary>
public sealed record QuantizeRule
{
    /// <summary>Code bits per weight (ignored by ternary/binary, which use 2 and 1).</summary>
    public int Bits { get; init; } = 3;

    /// <summary>Built-in level kind: uniform, pow2, ternary, binary.</summary>
    public string Levels { get; init; } = "uniform";

    /// <summary>The raw <c>quantize</c> object, handed to the constraint kind as its settings.</summary>
    public JsonElement? Settings { get; init; }
}
