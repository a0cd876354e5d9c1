using System.Text.Json;
using AdmmNn.Core.Hardware;

namespace AdmmNn.Reports;

/// <summary>The target's per-layer costs shown in the report; from a <see cref="HardwareAnalysis"/> or a result file's
/// optional <c>hardware</c> object (<c>{ target, layers: [{ name, latencyBefore, latencyAfter, energyBefore, energyAfter }] }</c>).</summary>
/// <param name="Target">Target name.</param>
/// <param name="Layers">Rows in graph order.</param>
public sealed record HardwareSection(string Target, IReadOnlyList<HardwareLayerRow> Layers)
{
    /// <summary>Rows from an analysis of the compressed model: dense cost before, current (as stored) cost after.</summary>
    public static HardwareSection From(HardwareAnalysis analysis) => new(analysis.TargetName,
        analysis.Layers.Select(l => new HardwareLayerRow(l.Workload.Name, l.Dense.LatencySeconds, l.Current.LatencySeconds,
            l.Dense.EnergyJoules, l.Current.EnergyJoules)).ToList());

    /// <summary>The <c>hardware</c> object a result carries when serialized (whatever CLR property produces it); null when none.</summary>
    public static HardwareSection? FromResult(AdmmNn.Core.Compression.CompressionResult result) =>
        FromResultJson(AdmmNn.Core.Compression.ResultJson.Serialize(result));

    /// <summary>Reads the optional <c>hardware</c> object of a result file; null when absent or empty.</summary>
    public static HardwareSection? FromResultJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("hardware", out var hardware) || hardware.ValueKind != JsonValueKind.Object) return null;
        var target = hardware.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "" : "";
        if (!hardware.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array) return null;
        var rows = new List<HardwareLayerRow>();
        foreach (var layer in layers.EnumerateArray())
        {
            var name = layer.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() ?? "" : "";
            rows.Add(new HardwareLayerRow(name, Number(layer, "latencyBefore"), Number(layer, "latencyAfter"), Number(layer, "energyBefore"), Number(layer, "energyAfter")));
        }
        return rows.Count == 0 ? null : new HardwareSection(target, rows);
    }

    private static double Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value)) return double.NaN;
        if (value.ValueKind == JsonValueKind.Number) return value.GetDouble();
        // Result files write NaN and infinities as named literals.
        return value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN;
    }
}
