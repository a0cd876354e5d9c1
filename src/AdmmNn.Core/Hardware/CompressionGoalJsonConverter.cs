using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Core.Hardware;

/// <summary>Writes <see cref="CompressionGoal"/> as the policy file does (<c>computation</c>/<c>storage</c>).</summary>
internal sealed class CompressionGoalJsonConverter : JsonConverter<CompressionGoal>
{
    public override CompressionGoal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            return HardwareOptionNames.ParseGoal(reader.GetString() ?? "");
        }
        catch (ArgumentException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    public override void Write(Utf8JsonWriter writer, CompressionGoal value, JsonSerializerOptions options) =>
        writer.WriteStringValue(HardwareOptionNames.Name(value));
}
