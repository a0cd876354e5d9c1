using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Simplification;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;

namespace AdmmNn.Plugins.Onnx;

/// <summary>
/// ONNX (<c>.onnx</c>) as a <see cref="ModelGraph"/>: default-domain opsets <see cref="MinOpset"/> to
/// <see cref="MaxOpset"/>, initializers in typed fields, <c>raw_data</c>, external data files or sparse form.
/// Every malformed or unsupported input ends in a one-line <see cref="ModelFormatException"/>. Reading simplifies the graph
/// (<see cref="GraphSimplifier"/>): shape computations and constants are folded into initializers, dead nodes dropped.
/// </summary>
public sealed class OnnxFormat : IModelFormat
{
    /// <summary>Oldest default-domain opset accepted.</summary>
    public const int MinOpset = 7;

    /// <summary>Newest default-domain opset accepted.</summary>
    public const int MaxOpset = 21;

    /// <inheritdoc />
    public string Name => "onnx";

    /// <inheritdoc />
    public IReadOnlyList<string> FileExtensions { get; } = [".onnx"];

    /// <inheritdoc />
    public ModelGraph Read(Stream stream, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ReadAll(stream);
        if (bytes.Length == 0) throw new ModelFormatException("the file is empty (expected an ONNX ModelProto)");
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            // Google.Protobuf reports most damage as InvalidProtocolBufferException, but some (e.g. a truncated map entry
            // inside StringStringEntryProto) escape as the others: all mean the same corrupt file.
            throw new ModelFormatException($"not a valid ONNX protobuf ({bytes.Length} bytes; truncated or corrupt?): {OneLine(ex.Message)}", ex);
        }
        try
        {
            // PyTorch writes shape arithmetic (Shape/Gather/Concat/... feeding Reshape, Constant nodes for Clip bounds and pads);
            // folding it at import means the engine, the runtime, the analyzer and the exporter see only compute ops.
            return GraphSimplifier.Simplify(new OnnxImporter(baseDirectory).Import(proto));
        }
        catch (ModelFormatException ex) when (ex.Message.Any(char.IsControl))
        {
            // Names from a corrupt file may hold control characters; keep the message on one printable line.
            throw new ModelFormatException(Printable(ex.Message), ex.InnerException ?? ex);
        }
    }

    /// <inheritdoc />
    public void Write(ModelGraph graph, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(stream);
        var proto = OnnxExporter.Export(graph);
        proto.WriteTo(stream);
    }

    /// <summary>The model as ONNX bytes (what <see cref="Write"/> writes).</summary>
    public byte[] ToBytes(ModelGraph graph)
    {
        using var memory = new MemoryStream();
        Write(graph, memory);
        return memory.ToArray();
    }

    /// <summary>Reads a model from ONNX bytes; <paramref name="baseDirectory"/> resolves external data (null: none allowed).</summary>
    public ModelGraph FromBytes(byte[] bytes, string? baseDirectory = null) => Read(new MemoryStream(bytes, writable: false), baseDirectory);

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek && stream.Length - stream.Position > Validation.OnnxLimits.MaxFileBytes)
            throw new ModelFormatException($"the file has {stream.Length - stream.Position} bytes, more than the {Validation.OnnxLimits.MaxFileBytes}-byte limit of one ONNX protobuf");
        if (stream is MemoryStream ms && ms.Position == 0) return ms.ToArray();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    internal static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? '?' : c));
}
