using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints;

/// <summary>Reads typed fields from a constraint's JSON settings, failing with the field's name.</summary>
internal static class SettingsReader
{
    public static int? Int(JsonElement settings, string field)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw new ConstraintSettingsException(field, "must be an integer");
        return i;
    }

    public static double? Number(JsonElement settings, string field)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new ConstraintSettingsException(field, "must be a number");
        return v.GetDouble();
    }

    public static int RequiredInt(JsonElement settings, string field, int min, int max)
    {
        var v = Int(settings, field) ?? throw new ConstraintSettingsException(field, "is required");
        if (v < min || v > max) throw new ConstraintSettingsException(field, $"must be in [{min},{max}], got {v}");
        return v;
    }

    /// <summary>
    /// The keep fraction from either <c>keep</c> (in (0,1]) or <c>ratio</c> (pruning ratio ≥ 1, keep = 1/ratio).
    /// </summary>
    public static double KeepFraction(JsonElement settings)
    {
        var keep = Number(settings, "keep");
        var ratio = Number(settings, "ratio");
        if (keep is not null && ratio is not null) throw new ConstraintSettingsException("keep", "give either keep or ratio, not both");
        if (keep is { } k)
        {
            if (!(k > 0 && k <= 1)) throw new ConstraintSettingsException("keep", $"must be in (0,1], got {k}");
            return k;
        }
        if (ratio is { } r)
        {
            if (!(r >= 1) || double.IsInfinity(r)) throw new ConstraintSettingsException("ratio", $"must be a pruning ratio >= 1, got {r}");
            return 1.0 / r;
        }
        throw new ConstraintSettingsException("keep", "give keep (fraction kept, in (0,1]) or ratio (pruning ratio, >= 1)");
    }
}
