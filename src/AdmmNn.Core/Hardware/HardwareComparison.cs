using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Per-layer latency, energy and storage on one target before and after compression, as the JSON object reports read
/// (<c>CompressionResult.Hardware</c>): <c>{ target, layers: [{ name, opType, latencyBefore, latencyAfter, energyBefore,
/// energyAfter, storageBitsBefore, storageBitsAfter, breakEvenRatio, ratioAfter }], latencyBefore, latencyAfter, energyBefore,
/// energyAfter }</c>. Seconds and joules; a figure the target does not model (NaN) or an infinite ratio is written as null.
/// With the hardware-aware plan it also records the options that made it (<c>belowBreakEven, goal, preferTargetConstraints,
/// margin, maxCoarseRatio, preserveOverallRatio</c>) and each layer's <c>decision: { requestedRatio, adjustedRatio, constraint, keptDense, reason }</c>.
/// </summary>
public static class HardwareComparison
{
    /// <summary>Pairs the layers of <paramref name="before"/> and <paramref name="after"/> by weight name.</summary>
    public static JsonElement ToJson(HardwareAnalysis before, HardwareAnalysis after) => ToJson(before, after, null, null);

    /// <summary>
    /// As <see cref="ToJson(HardwareAnalysis, HardwareAnalysis)"/>, plus the <paramref name="options"/> the plan was made
    /// with and each layer's decision from <paramref name="plan"/> (either may be null).
    /// </summary>
    public static JsonElement ToJson(HardwareAnalysis before, HardwareAnalysis after, HardwareAwarePlan? plan, HardwareAwareOptions? options)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var layers = new JsonArray();
        foreach (var b in before.Layers)
        {
            var a = after.Layers.FirstOrDefault(l => l.Workload.Name == b.Workload.Name);
            if (a is null) continue;
            var layer = new JsonObject
            {
                ["name"] = b.Workload.Name,
                ["opType"] = b.Workload.OpType,
                ["latencyBefore"] = Number(b.Current.LatencySeconds),
                ["latencyAfter"] = Number(a.Current.LatencySeconds),
                ["energyBefore"] = Number(b.Current.EnergyJoules),
                ["energyAfter"] = Number(a.Current.EnergyJoules),
                ["storageBitsBefore"] = b.Current.StorageBits,
                ["storageBitsAfter"] = a.Current.StorageBits,
                ["breakEvenRatio"] = Number(a.BreakEvenRatio),
                ["ratioAfter"] = Number(a.CurrentRatio),
            };
            if (plan?.For(b.Workload.Name) is { } decision)
            {
                layer["decision"] = new JsonObject
                {
                    ["requestedRatio"] = Number(decision.RequestedRatio),
                    ["adjustedRatio"] = Number(decision.AdjustedRatio),
                    ["constraint"] = decision.ConstraintKind,
                    ["keptDense"] = decision.KeepDense,
                    ["reason"] = decision.Reason,
                };
            }
            layers.Add(layer);
        }
        var root = new JsonObject
        {
            ["target"] = after.TargetName,
            ["layers"] = layers,
            ["latencyBefore"] = Number(before.CurrentLatency),
            ["latencyAfter"] = Number(after.CurrentLatency),
            ["energyBefore"] = Number(before.CurrentEnergy),
            ["energyAfter"] = Number(after.CurrentEnergy),
        };
        if (options is not null)
        {
            root["belowBreakEven"] = HardwareOptionNames.Name(options.BelowBreakEven);
            root["goal"] = HardwareOptionNames.Name(options.Goal);
            root["preferTargetConstraints"] = options.PreferTargetConstraints;
            root["margin"] = options.Margin;
            root["maxCoarseRatio"] = options.MaxCoarseRatio;
            root["preserveOverallRatio"] = options.PreserveOverallRatio;
        }
        if (plan is not null)
        {
            root["requestedOverallRatio"] = Number(plan.RequestedOverallRatio);
            root["adjustedOverallRatio"] = Number(plan.AdjustedOverallRatio);
        }
        return JsonSerializer.SerializeToElement(root);
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
