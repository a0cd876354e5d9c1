using System.Text.Json;
using System.Text.Json.Nodes;
using AdmmNn.Core.Constraints.Kinds;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// The processing-element geometry of a hardware target, read from its profile: <c>blockSize</c> weights of fan-in per
/// PE group (the FPGA and ASIC targets have it; 16 by default) and, when a profile has it, <c>blockRows</c> output
/// channels. PE-wise rules (<c>pe-ternary</c>) that do not give <c>rows</c>/<c>cols</c> take their group shape from it.
/// </summary>
public sealed record PeGeometry(int Rows, int Columns)
{
    /// <summary>The geometry in <paramref name="profileJson"/>, or null when the profile has no <c>blockSize</c>.</summary>
    public static PeGeometry? FromProfile(JsonElement profileJson)
    {
        if (profileJson.ValueKind != JsonValueKind.Object) return null;
        if (!profileJson.TryGetProperty("blockSize", out var size) || !size.TryGetInt32(out var columns) || columns < 1) return null;
        var rows = profileJson.TryGetProperty("blockRows", out var r) && r.TryGetInt32(out var rr) && rr >= 1 ? rr : 1;
        return new PeGeometry(rows, columns);
    }

    /// <summary>
    /// The target's profile as given in the policy, with the factory's defaults under it (the policy's fields win), so a
    /// profile that only changes, say, the clock still has the default <c>blockSize</c>.
    /// </summary>
    public static JsonElement EffectiveProfile(string defaultProfileJson, JsonElement? given)
    {
        var merged = JsonNode.Parse(defaultProfileJson) as JsonObject ?? [];
        if (given is { ValueKind: JsonValueKind.Object } g)
            foreach (var p in g.EnumerateObject()) merged[p.Name] = JsonNode.Parse(p.Value.GetRawText());
        return JsonSerializer.SerializeToElement(merged);
    }

    /// <summary>
    /// <paramref name="policy"/> with this geometry filled into every <c>pe-ternary</c> prune rule that leaves
    /// <c>rows</c> or <c>cols</c> out (rules that give them keep their own).
    /// </summary>
    public CompressionPolicy ApplyTo(CompressionPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var layers = policy.Layers.Select(rule =>
        {
            if (rule.Prune is not { Structure: PeTernaryKind.KindName } prune) return rule;
            var settings = prune.Settings is { ValueKind: JsonValueKind.Object } s ? JsonNode.Parse(s.GetRawText())!.AsObject() : [];
            if (settings.ContainsKey("rows") && settings.ContainsKey("cols")) return rule;
            settings["rows"] ??= Rows;
            settings["cols"] ??= Columns;
            return rule with { Prune = prune with { Settings = JsonSerializer.SerializeToElement(settings) } };
        }).ToList();
        return policy with { Layers = layers };
    }
}
