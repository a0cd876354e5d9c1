using System.Text.Json;
using AdmmNn.Abstractions.Constraints;

namespace AdmmNn.Core.Constraints.Kinds;

/// <summary>Constraint kind <c>block</c>: keep the r x c blocks of the GEMM view with the largest L2 norm (settings: rows, cols, keep or ratio).</summary>
public sealed class BlockKind : IConstraintKind
{
    /// <inheritdoc />
    public string Name => "block";

    /// <inheritdoc />
    public string Description => "keep the r x c blocks of the GEMM view with the largest L2 norm (settings: rows, cols, keep or ratio).";

    /// <inheritdoc />
    public IWeightProjection Create(WeightLayout layout, JsonElement settings)
    {
        var rows = SettingsReader.RequiredInt(settings, "rows", 1, Math.Max(1, layout.Rows));
        var cols = SettingsReader.RequiredInt(settings, "cols", 1, Math.Max(1, layout.Columns));
        var blocks = ((layout.Rows + rows - 1) / rows) * ((layout.Columns + cols - 1) / cols);
        return new BlockProjection(layout, rows, cols, TopK.CountFor(blocks, SettingsReader.KeepFraction(settings)));
    }
}
