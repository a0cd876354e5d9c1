using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AdmmNn.Plugins.Shared;

/// <summary>
/// Reads and writes a target's JSON profile: camelCase fields, missing fields keep their defaults, unknown
/// fields and wrong types are errors naming the field (linked into each bundled target plugin).
/// </summary>
internal static class ProfileJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Explicit, so the plugin works in hosts that turn reflection-based serialization off by default (trimmed/AOT-style apps).
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The profile as indented JSON.</summary>
    public static string Write<T>(T profile) => JsonSerializer.Serialize(profile, Options);

    /// <summary>
    /// Reads a profile (null: the defaults). Throws <see cref="ArgumentException"/> naming the field on unknown
    /// fields or wrong types; range checks are the profile's own <c>Validate</c>.
    /// </summary>
    public static T Read<T>(JsonElement? profile, string target) where T : class, new()
    {
        if (profile is not { } json || json.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return new T();
        if (json.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"{target} profile: must be a JSON object, got {json.ValueKind}");
        var known = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
            if (!known.Contains(property.Name))
                throw new ArgumentException($"{target} profile field '{property.Name}': unknown field (known: {string.Join(", ", known.Order())})");
        try
        {
            return json.Deserialize<T>(Options) ?? new T();
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) ? "?" : ex.Path.TrimStart('$', '.');
            throw new ArgumentException($"{target} profile field '{field}': wrong type or value ({FirstSentence(ex.Message)})", ex);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public static void Require(bool ok, string target, string field, string message)
    {
        if (!ok) throw new ArgumentException($"{target} profile field '{field}': {message}");
    }

    /// <summary>Requires a finite value &gt; 0.</summary>
    public static void Positive(double value, string target, string field) =>
        Require(double.IsFinite(value) && value > 0, target, field, $"must be a number > 0, got {value}");

    /// <summary>Requires a finite value ≥ 0.</summary>
    public static void NonNegative(double value, string target, string field) =>
        Require(double.IsFinite(value) && value >= 0, target, field, $"must be a number >= 0, got {value}");

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..dot];
    }
}
