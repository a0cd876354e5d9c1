using AdmmNn.Abstractions.Formats;
using AdmmNn.Plugins.Onnx.Protos;

namespace AdmmNn.Plugins.Onnx;

/// <summary>
/// Reads tensor bytes stored outside the model (ONNX external data: <c>location</c>, <c>offset</c>, <c>length</c>),
/// only from files inside the model's own folder: absolute paths and <c>..</c> escapes are refused, so a model
/// cannot make the importer read arbitrary files.
/// </summary>
internal sealed class ExternalDataReader(string baseDirectory)
{
    private readonly string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseDirectory)) + Path.DirectorySeparatorChar;

    /// <summary>The <paramref name="expectedBytes"/> bytes of <paramref name="tensor"/>'s external data.</summary>
    internal byte[] Read(TensorProto tensor, long expectedBytes, string where)
    {
        string? location = null;
        long offset = 0;
        long? length = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location": location = entry.Value; break;
                case "offset": offset = ParseNumber(entry.Value, "offset", where); break;
                case "length": length = ParseNumber(entry.Value, "length", where); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new ModelFormatException($"{where}: external data has no 'location'");
        if (Path.IsPathRooted(location) || location.Contains('\0'))
            throw new ModelFormatException($"{where}: external data location '{location}' must be a relative path");
        var full = Path.GetFullPath(Path.Combine(root, location));
        if (!full.StartsWith(root, StringComparison.Ordinal))
            throw new ModelFormatException($"{where}: external data location '{location}' points outside the model's folder");
        if (!File.Exists(full))
            throw new ModelFormatException($"{where}: external data file '{location}' not found beside the model");
        // A symbolic link inside the folder may still point outside it.
        if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target && !target.FullName.StartsWith(root, StringComparison.Ordinal))
            throw new ModelFormatException($"{where}: external data location '{location}' is a link to '{target.FullName}', outside the model's folder");

        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        var available = file.Length - offset;
        var count = length ?? available;
        if (offset > file.Length || count > available)
            throw new ModelFormatException($"{where}: external data '{location}' offset {offset} length {count} runs past its end ({file.Length} bytes)");
        if (count != expectedBytes)
            throw new ModelFormatException($"{where}: external data '{location}' holds {count} bytes, but the dims need {expectedBytes}");
        var bytes = new byte[count];
        file.Seek(offset, SeekOrigin.Begin);
        file.ReadExactly(bytes);
        return bytes;
    }

    private static long ParseNumber(string text, string key, string where) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ModelFormatException($"{where}: external data '{key}' is not a non-negative integer: '{text}'");
}
