using AdmmNn.Shared;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AdmmNn.Core.Compression;

/// <summary>Reads and writes <see cref="CompressionResult"/> JSON (camelCase, indented; NaN/∞ written as named literals).</summary>
public static class ResultJson
{
    /// <summary>The serializer options every result file uses.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Serializes a result.</summary>
    public static string Serialize(CompressionResult result) => JsonSerializer.Serialize(result, Options);

    /// <summary>Parses a result file's text.</summary>
    public static CompressionResult Deserialize(string json) =>
        JsonSerializer.Deserialize<CompressionResult>(json, Options) ?? throw new InvalidDataException("result JSON is empty");

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(CompressionResult result, string path)
    {
        AtomicFile.WriteAllText(path, Serialize(result), createDirectory: true);
    }

    /// <summary>Reads a result file.</summary>
    public static CompressionResult Read(string path) => Deserialize(File.ReadAllText(path));
}
