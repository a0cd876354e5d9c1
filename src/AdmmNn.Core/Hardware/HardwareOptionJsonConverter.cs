using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Reads and writes a hardware option as the policy file spells it (<see cref="HardwareOptionNames"/>), so the policy
/// echo in results reads back; bad words become <see cref="JsonException"/>s with the accepted ones named.
/// </summary>
internal abstract class HardwareOptionJsonConverter<T> : JsonConverter<T>
{
    protected abstract T Parse(string name);

    protected abstract string Name(T value);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return Parse(reader.GetString() ?? "");
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
}

/// <summary><c>dense</c>/<c>raise</c>.</summary>
internal sealed class BelowBreakEvenJsonConverter : HardwareOptionJsonConverter<BelowBreakEvenAction>
{
    protected override BelowBreakEvenAction Parse(string name) => HardwareOptionNames.ParseBelowBreakEven(name);

    protected override string Name(BelowBreakEvenAction value) => HardwareOptionNames.Name(value);
}

/// <summary><c>computation</c>/<c>storage</c>.</summary>
internal sealed class CompressionGoalJsonConverter : HardwareOptionJsonConverter<CompressionGoal>
{
    protected override CompressionGoal Parse(string name) => HardwareOptionNames.ParseGoal(name);

    protected override string Name(CompressionGoal value) => HardwareOptionNames.Name(value);
}
