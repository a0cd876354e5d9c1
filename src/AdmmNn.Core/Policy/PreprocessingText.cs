using System.Globalization;
using System.Text.Json.Nodes;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Policy;

/// <summary>
/// The one-line form of a preprocessing, for <c>compress --preprocessing</c> and the MSBuild <c>Preprocessing</c> metadata:
/// <c>field=value</c> pairs separated by <c>;</c>, the fields and meanings of the policy's <c>data</c> section
/// (<see cref="ImagePreprocessing.JsonFields"/>), lists separated by <c>,</c>; e.g.
/// <c>resize=36;centerCrop=32;color=rgb;mean=0.49,0.48,0.45;std=0.25,0.24,0.26;horizontalFlip=true</c>.
/// </summary>
public static class PreprocessingText
{
    /// <summary>Parses <paramref name="text"/>; fields not given keep their defaults (the line replaces a policy's preprocessing whole).</summary>
    /// <exception cref="FormatException">An unknown field, a repeated one or a bad value; the message starts with the field's name.</exception>
    public static ImagePreprocessing Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var json = new JsonObject();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var field = equals < 0 ? part : part[..equals].Trim();
            if (!ImagePreprocessing.JsonFields.Contains(field))
                throw new FormatException($"{field}: not a preprocessing field (one of {string.Join(", ", ImagePreprocessing.JsonFields)})");
            if (equals < 0) throw new FormatException($"{field}: expected {field}=value");
            if (json.ContainsKey(field)) throw new FormatException($"{field}: given twice");
            json[field] = Value(field, part[(equals + 1)..].Trim());
        }

        using var document = System.Text.Json.JsonDocument.Parse(json.ToJsonString());
        return ImagePreprocessing.FromJson(document.RootElement);
    }

    private static JsonNode Value(string field, string value) => field switch
    {
        "color" => JsonValue.Create(value),
        "mean" or "std" => new JsonArray(value.Split(',', StringSplitOptions.TrimEntries).Select(v => (JsonNode)JsonValue.Create(Number(field, v))).ToArray()),
        "horizontalFlip" => bool.TryParse(value, out var flip) ? JsonValue.Create(flip) : throw new FormatException($"{field}: '{value}' is not true or false"),
        _ => JsonValue.Create(Number(field, value)),
    };

    private static double Number(string field, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw new FormatException($"{field}: '{value}' is not a number");
}
