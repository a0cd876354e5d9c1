using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Core.Hardware;

/// <summary>Writes <see cref="BelowBreakEvenAction"/> as the policy file does (<c>dense</c>/<c>raise</c>), so the policy echo in results reads back.</summary>
internal sealed class BelowBreakEvenJsonConverter : JsonConverter<BelowBreakEvenAction>
{
    public override BelowBreakEvenAction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return HardwareOptionNames.ParseBelowBreakEven(reader.GetString() ?? "");
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, BelowBreakEvenAction value, JsonSerializerOptions options) =>
        writer.WriteStringValue(HardwareOptionNames.Name(value));
}
