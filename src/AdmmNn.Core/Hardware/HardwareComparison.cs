using System.Text.Json;
using System.Text.Json.Nodes;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Per-layer latency, energy and storage on one target before and after compression, as the JSON object reports read
/// (<c>CompressionResult.Hardware</c>): <c>{ target, layers: [{ name, opType, latencyBefore, latencyAfter, energyBefore,
/// energyAfter, storageBitsBefore, storageBitsAfter, breakEvenRatio, ratioAfter }], latencyBefore, latencyAfter, energyBefore,
/// energyAfter }</c>. Seconds and joules; a figure the target does not model (NaN) or an infinite ratio is written as null.
/// </summary>
public static class HardwareComparison
{
    /// <summary>Pairs the layers of <paramref name="before"/> and <paramref name="after"/> by weight name.</summary>
    public static JsonElement ToJson(HardwareAnalysis before, HardwareAnalysis after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var layers = new JsonArray();
        foreach (var b in before.Layers)
        {
            var a = after.Layers.FirstOrDefault(l => l.Workload.Name == b.Workload.Name);
            if (a is null) continue;
            layers.Add(new JsonObject
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
            });
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
        return JsonSerializer.SerializeToElement(root);
    }

    private static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
