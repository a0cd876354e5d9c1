using System.Text.Json.Serialization;

namespace AdmmNn.Core.Policy;

/// <summary>
/// A compression policy: which weights get which constraints, how long each phase trains, and what must hold at the end.
/// Loaded and validated by <see cref="PolicyLoader"/>; the file format is documented in <c>docs/policy.md</c>.
/// Immutable: a rewritten policy (a target, a hardware adjustment) is a copy made with <c>with</c>, which carries every
/// field it does not name.
/// </summary>
public sealed record CompressionPolicy
{
    /// <summary>Free text shown in reports.</summary>
    public string Description { get; init; } = "";

    /// <summary>Seed for weight-order shuffling and everything random.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>When true, the run is reproducible bit for bit (single-threaded reductions; resume gives identical weights).</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>Per-layer rules; the first rule whose glob matches a weight's name applies to it.</summary>
    public IReadOnlyList<LayerRule> Layers { get; init; } = [];

    /// <summary>Training schedule of every phase.</summary>
    public CompressionSchedule Schedule { get; init; } = new();

    /// <summary>How much of the dataset to use (all by default).</summary>
    public DataSelection Data { get; init; } = new();

    /// <summary>Conditions the result must meet.</summary>
    public PolicyGates Gates { get; init; } = new();

    /// <summary>Optional hardware target for hardware-aware ratios.</summary>
    public HardwareTargetSpec? Hardware { get; init; }

    /// <summary>
    /// Purification and unused-path removal after compression (empty filters, their BatchNorm channels and the input
    /// channels reading them leave the model; see <c>Compression.Purification.Purifier</c>). Null: on when some rule prunes
    /// with filter, channel or PE-group structure.
    /// </summary>
    public bool? Purify { get; init; }

    /// <summary>True when the run purifies: <see cref="Purify"/>, or by default when a rule prunes whole filters, channels or PE groups.</summary>
    [JsonIgnore]
    public bool PurifiesAfterCompression => Purify ?? Layers.Any(r => r.Prune?.Structure is { } s
        && (s.Equals("filter", StringComparison.OrdinalIgnoreCase) || s.Equals("channel", StringComparison.OrdinalIgnoreCase) || s.StartsWith("pe", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The file the policy came from (for messages); not part of the JSON.</summary>
    [JsonIgnore]
    public string SourceFile { get; init; } = "policy.json";

    /// <summary>Line positions of every field, for errors raised after loading (e.g. a rule matching no layer).</summary>
    [JsonIgnore]
    public JsonLocations? Locations { get; init; }

    /// <summary>An error pointing at <paramref name="jsonPath"/> in the policy file.</summary>
    public PolicyException Error(string jsonPath, string problem) =>
        new(SourceFile, Locations?.LineOf(jsonPath) ?? 0, jsonPath, problem);
}
