using System.Text.Json;
using System.Text.Json.Serialization;
using AdmmNn.Core.Hardware;

namespace AdmmNn.Core.Policy;

/// <summary>
/// Optional <c>hardware</c> section: a target name (plugin catalog), its profile settings, and how the hardware-aware
/// step adjusts the requested ratios for it (see <see cref="HardwareAwarePolicy"/>).
/// </summary>
public sealed record HardwareTargetSpec
{
    /// <summary>Target name, e.g. <c>fpga</c>.</summary>
    public string Target { get; init; } = "";

    /// <summary>Target-specific settings, passed to the target factory as is.</summary>
    public JsonElement? Profile { get; init; }

    /// <summary>Policy field <c>belowBreakEven</c>: <c>dense</c> (default) keeps such layers dense, <c>raise</c> prunes them past break-even.</summary>
    [JsonConverter(typeof(BelowBreakEvenJsonConverter))]
    public BelowBreakEvenAction BelowBreakEven { get; init; } = BelowBreakEvenAction.KeepDense;

    /// <summary>Policy field <c>goal</c>: <c>computation</c> (default; convolutions make up for dense layers first) or <c>storage</c>.</summary>
    [JsonConverter(typeof(CompressionGoalJsonConverter))]
    public CompressionGoal Goal { get; init; } = CompressionGoal.Computation;

    /// <summary>Policy field <c>preferTargetConstraints</c>: replace <c>unstructured</c> requests by the target's preferred shape.</summary>
    public bool PreferTargetConstraints { get; init; } = true;

    /// <summary>Policy field <c>margin</c> (&gt; 1): a raised layer gets break-even × margin.</summary>
    public double Margin { get; init; } = 1.1;

    /// <summary>Policy field <c>maxCoarseRatio</c> (&gt;= 1): filter/channel shapes replace unstructured requests only up to this ratio.</summary>
    public double MaxCoarseRatio { get; init; } = 4;

    /// <summary>Policy field <c>preserveOverallRatio</c>: take the nonzeros of layers kept dense from the other layers.</summary>
    public bool PreserveOverallRatio { get; init; } = true;

    /// <summary>A copy naming <paramref name="target"/> instead; the options stay, the profile only when the target is the same.</summary>
    /// <remarks>A profile is written for one target's fields: another target would reject it, so it falls back to its defaults.</remarks>
    public HardwareTargetSpec WithTarget(string target)
        => this with { Target = target, Profile = string.Equals(target, Target, StringComparison.OrdinalIgnoreCase) ? Profile : null };

    /// <summary>The options <see cref="HardwareAwarePolicies.Adjust"/> takes for this section.</summary>
    public HardwareAwareOptions ToOptions() => new()
    {
        BelowBreakEven = BelowBreakEven,
        Goal = Goal,
        PreferTargetConstraints = PreferTargetConstraints,
        Margin = Margin,
        MaxCoarseRatio = MaxCoarseRatio,
        PreserveOverallRatio = PreserveOverallRatio,
    };
}
