using AdmmNn.Abstractions.Models;

namespace AdmmNn.Abstractions.Formats;

/// <summary>Reads and writes a model file format (e.g. ONNX) as a <see cref="ModelGraph"/>.</summary>
public interface IModelFormat
{
    /// <summary>Format name, e.g. <c>onnx</c>.</summary>
    string Name { get; }

    /// <summary>File extensions with the dot, e.g. <c>.onnx</c>.</summary>
    IReadOnlyList<string> FileExtensions { get; }

    /// <summary>
    /// Reads a model. <paramref name="baseDirectory"/> resolves external data files (null: none allowed).
    /// Throws <see cref="ModelFormatException"/> for any malformed or unsupported content.
    /// </summary>
    ModelGraph Read(Stream stream, string? baseDirectory);

    /// <summary>Writes a model. The caller owns atomicity (write to a temporary file, then rename).</summary>
    void Write(ModelGraph graph, Stream stream);
}
