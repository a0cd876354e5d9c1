using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>
/// Constraint kind <c>pe-ternary</c>: at most k PE groups (rows x cols blocks of the GEMM view) nonzero and every nonzero
/// ±a, projected exactly as one set (settings: keep or ratio of groups, rows (default 1), cols (default
/// <see cref="DefaultColumns"/>; with a hardware target, its profile's <c>blockSize</c>), alpha = layer | group).
/// </summary>
public sealed class PeTernaryKind : IConstraintKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "pe-ternary";

    /// <summary>Group width when neither the rule nor a target's profile gives one: the FPGA target's default PE width.</summary>
    public const int DefaultColumns = 16;

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public string Description => "PE-wise structured pruning and ternary {-a,0,+a} in one exact projection (settings: keep or ratio, rows, cols, alpha = layer | group).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var rows = SettingsReader.Int(settings, "rows") ?? 1;
        var cols = SettingsReader.Int(settings, "cols") ?? DefaultColumns;
        if (rows < 1) throw new ConstraintSettingsException("rows", $"must be >= 1, got {rows}");
        if (cols < 1) throw new ConstraintSettingsException("cols", $"must be >= 1, got {cols}");
        rows = Math.Min(rows, Math.Max(1, layout.Rows));
        cols = Math.Min(cols, Math.Max(1, layout.Columns));
        var scope = ScopeOf(settings);
        var groups = ((layout.Rows + rows - 1) / rows) * ((layout.Columns + cols - 1) / cols);
        return new PeTernaryProjection(layout, rows, cols, TopK.CountFor(groups, SettingsReader.KeepFraction(settings)), scope);
    }

    private static TernaryScaleScope ScopeOf(JsonElement settings)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty("alpha", out var v) || v.ValueKind == JsonValueKind.Null)
            return TernaryScaleScope.Layer;
        return v.ValueKind == JsonValueKind.String ? v.GetString() switch
        {
            "layer" => TernaryScaleScope.Layer,
            "group" => TernaryScaleScope.Group,
            var other => throw new ConstraintSettingsException("alpha", $"must be one of layer, group, got '{other}'"),
        } : throw new ConstraintSettingsException("alpha", "must be one of layer, group");
    }
}
