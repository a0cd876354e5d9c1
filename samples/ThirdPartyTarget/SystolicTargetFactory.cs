using System.Text.Json;
using AdmmNn.Abstractions.Hardware;

namespace Acme.AdmmNn.Systolic;

/// <summary>Creates the <c>acme-systolic</c> target from a profile: <c>{"rows": 32, "columns": 32, "clockMHz": 500}</c>.</summary>
public sealed class SystolicTargetFactory : IHardwareTargetFactory
{
    /// <inheritdoc />
    public string Name => "acme-systolic";

    /// <inheritdoc />
    public string Description => "Acme weight-stationary systolic array; skips all-zero weight tiles only (block sparsity)";

    /// <inheritdoc />
    public string DefaultProfileJson => """
        {
          "rows": 32,
          "columns": 32,
          "clockMHz": 500
        }
        """;

    /// <inheritdoc />
    public IHardwareTarget Create(JsonElement? profile)
    {
        int rows = 32, columns = 32;
        double clock = 500;
        if (profile is { ValueKind: JsonValueKind.Object } p)
        {
            foreach (var field in p.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "rows": rows = PositiveInt(field); break;
                    case "columns": columns = PositiveInt(field); break;
                    case "clockMHz":
                        clock = field.Value.ValueKind == JsonValueKind.Number && field.Value.GetDouble() > 0
                            ? field.Value.GetDouble()
                            : throw new ArgumentException($"acme-systolic profile field 'clockMHz': must be a number > 0");
                        break;
                    default: throw new ArgumentException($"acme-systolic profile field '{field.Name}': unknown field (known: rows, columns, clockMHz)");
                }
            }
        }
        return new SystolicTarget(rows, columns, clock);
    }

    private static int PositiveInt(JsonProperty field) =>
        field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var v) && v > 0
            ? v
            : throw new ArgumentException($"acme-systolic profile field '{field.Name}': must be an integer > 0");
}
