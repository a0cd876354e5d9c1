using System.Buffers.Binary;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Format;

/// <summary>Writes a <see cref="ModelGraph"/> as a packed <c>.admmnn</c> file (layout in docs/format.md).</summary>
public static class PackedModelWriter
{
    /// <summary>
    /// Writes <paramref name="graph"/> to <paramref name="stream"/>, every float initializer under the cheapest exact
    /// encoding <see cref="StorageAccounting"/> finds. The caller owns atomicity (temporary file, then rename).
    /// </summary>
    /// <returns>The size breakdown.</returns>
    /// <exception cref="ArgumentException">A tensor's values do not match its dims, or a value is missing.</exception>
    public static PackedModelSummary Write(ModelGraph graph, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(stream);
        var section = new SectionWriter();
        var payloads = new List<byte[]>();
        var tensors = new List<PackedTensorSummary>();

        section.String(graph.Name);
        section.VarInt(graph.OpsetVersion);
        section.VarInt(graph.IrVersion);
        section.String(graph.ProducerName);
        section.String(graph.ProducerVersion);
        var metadata = graph.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        section.VarUInt((ulong)metadata.Count);
        foreach (var (key, value) in metadata) { section.String(key); section.String(value); }

        WriteValueInfos(section, graph.Inputs);
        WriteValueInfos(section, graph.Outputs);

        section.VarUInt((ulong)graph.Initializers.Count);
        foreach (var t in graph.Initializers)
        {
            WriteTensorHeader(section, t);
            if (IsFloat(t.ElementType))
            {
                var values = t.Floats ?? throw new ArgumentException($"Initializer '{t.Name}' has no float values.");
                var shape = t.Dims.Select(d => checked((int)d)).ToArray();
                var choice = StorageAccounting.Choose(values, shape);
                var p = choice.Plan;
                section.Byte(PackedFormat.PackedFloats);
                section.Byte((byte)p.Encoding);
                section.Byte((byte)p.Levels);
                section.Byte((byte)p.CodeBits);
                section.Byte((byte)p.IndexBits);
                section.VarUInt((ulong)p.NonZeros);
                section.VarUInt((ulong)p.FillerEntries);
                section.VarUInt((ulong)p.CodebookEntries);
                section.VarUInt((ulong)p.TotalBits);
                payloads.Add(TensorCodec.Encode(values, choice));
                tensors.Add(new PackedTensorSummary(t.Name, (long[])t.Dims.Clone(), p));
            }
            else
            {
                section.Byte(PackedFormat.InlineIntegers);
                WriteIntegers(section, t);
            }
        }

        section.VarUInt((ulong)graph.Nodes.Count);
        foreach (var n in graph.Nodes)
        {
            section.String(n.Name);
            section.String(n.OpType);
            section.String(n.Domain);
            section.VarUInt((ulong)n.Inputs.Count);
            foreach (var i in n.Inputs) section.String(i);
            section.VarUInt((ulong)n.Outputs.Count);
            foreach (var o in n.Outputs) section.String(o);
            section.VarUInt((ulong)n.Attributes.Count);
            foreach (var a in n.Attributes) WriteAttribute(section, a);
        }

        var graphBytes = section.ToArray();
        long payloadLength = payloads.Sum(p => (long)p.Length);
        var header = new byte[PackedFormat.HeaderBytes];
        PackedFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), PackedFormat.VersionFor(tensors.Select(t => t.Plan)));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), checked((uint)graphBytes.Length));
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), (ulong)payloadLength);

        // Checksum everything before the trailer, streaming so the file is never held twice.
        uint crc = Crc32.Begin();
        crc = Crc32.Append(crc, header);
        crc = Crc32.Append(crc, graphBytes);
        stream.Write(header);
        stream.Write(graphBytes);
        foreach (var p in payloads)
        {
            crc = Crc32.Append(crc, p);
            stream.Write(p);
        }
        var trailer = new byte[PackedFormat.TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.End(crc));
        stream.Write(trailer);
        stream.Flush();
        return new PackedModelSummary(PackedFormat.HeaderBytes + graphBytes.Length + PackedFormat.TrailerBytes, payloadLength, tensors);
    }

    internal static bool IsFloat(ElementType type) => type is ElementType.Float32 or ElementType.Float64;

    private static void WriteValueInfos(SectionWriter section, List<ValueInfo> infos)
    {
        section.VarUInt((ulong)infos.Count);
        foreach (var v in infos)
        {
            section.String(v.Name);
            section.Byte((byte)v.ElementType);
            section.VarUInt((ulong)v.Dims.Length);
            for (int i = 0; i < v.Dims.Length; i++)
            {
                section.VarInt(v.Dims[i]);
                section.String(v.SymbolicDims is { } names && i < names.Length ? names[i] : null);
            }
        }
    }

    private static void WriteTensorHeader(SectionWriter section, TensorData t)
    {
        section.String(t.Name);
        section.Byte((byte)t.ElementType);
        section.VarUInt((ulong)t.Dims.Length);
        foreach (var d in t.Dims)
        {
            if (d < 0) throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension.");
            section.VarUInt((ulong)d);
        }
    }

    private static void WriteIntegers(SectionWriter section, TensorData t)
    {
        var values = t.Int64s ?? throw new ArgumentException($"Tensor '{t.Name}' of type {t.ElementType} has no integer values.");
        if (values.Length != t.ElementCount) throw new ArgumentException($"Tensor '{t.Name}' has {values.Length} values for {t.ElementCount} elements.");
        foreach (var v in values) section.VarInt(v);
    }

    private static void WriteAttribute(SectionWriter section, NodeAttribute a)
    {
        section.String(a.Name);
        section.Byte((byte)a.Kind);
        switch (a.Kind)
        {
            case AttributeKind.Float: section.Float(a.Float); break;
            case AttributeKind.Int: section.VarInt(a.Int); break;
            case AttributeKind.String: section.String(a.String); break;
            case AttributeKind.Tensor:
                var t = a.Tensor ?? throw new ArgumentException($"Attribute '{a.Name}' has no tensor.");
                WriteTensorHeader(section, t);
                if (IsFloat(t.ElementType))
                {
                    var values = t.Floats ?? throw new ArgumentException($"Attribute tensor '{a.Name}' has no float values.");
                    if (values.Length != t.ElementCount) throw new ArgumentException($"Attribute tensor '{a.Name}' has {values.Length} values for {t.ElementCount} elements.");
                    foreach (var v in values) section.Float(v);
                }
                else WriteIntegers(section, t);
                break;
            case AttributeKind.Floats:
                var floats = a.Floats ?? [];
                section.VarUInt((ulong)floats.Length);
                foreach (var v in floats) section.Float(v);
                break;
            case AttributeKind.Ints:
                var ints = a.Ints ?? [];
                section.VarUInt((ulong)ints.Length);
                foreach (var v in ints) section.VarInt(v);
                break;
            case AttributeKind.Strings:
                var strings = a.Strings ?? [];
                section.VarUInt((ulong)strings.Length);
                foreach (var v in strings) section.String(v);
                break;
            default: throw new ArgumentException($"Attribute '{a.Name}' has unknown kind {a.Kind}.");
        }
    }
}
