using System.Buffers.Binary;
using System.Text;
using AdmmNn.Fuzzing.Mutation;

namespace AdmmNn.Fuzzing.Tests;

/// <summary>Small files written byte by byte: they say exactly what a hostile file says, nothing more.</summary>
internal static class HandMadeFiles
{
    private static ProtoField Int(int number, ulong value) => new(number, ProtoField.WireVarint, value, [], null);
    private static ProtoField Text(int number, string value) => new(number, ProtoField.WireLength, 0, Encoding.UTF8.GetBytes(value), null);
    private static ProtoField Bytes(int number, byte[] value) => new(number, ProtoField.WireLength, 0, value, null);
    private static ProtoField Message(int number, params ProtoField[] fields) => new(number, ProtoField.WireLength, 0, [], fields);

    /// <summary>A float ValueInfoProto with the given fixed dims.</summary>
    public static ProtoField ValueInfo(int number, string name, params ulong[] dims) =>
        Message(number, Text(1, name), Message(2, Message(1, Int(1, 1), Message(2, [.. dims.Select(d => Message(1, Int(1, d)))]))));

    /// <summary>An ONNX model: opset 13, one Relu from 'x' to 'y', plus <paramref name="extra"/> graph fields.</summary>
    public static byte[] Onnx(params ProtoField[] extra)
    {
        var graph = new List<ProtoField>
        {
            Message(1, Text(1, "x"), Text(2, "y"), Text(3, "relu"), Text(4, "Relu")),
            Text(2, "hand-made"),
        };
        graph.AddRange(extra);
        if (!extra.Any(f => f.Number == 11)) graph.Add(ValueInfo(11, "x", 1, 4));
        graph.Add(ValueInfo(12, "y", 1, 4));
        return ProtoTree.Write([Int(1, 8), Message(7, [.. graph]), Message(8, Text(1, ""), Int(2, 13))]);
    }

    /// <summary>A dense float initializer with dims and optional raw bytes.</summary>
    public static ProtoField Initializer(string name, ulong[] dims, byte[]? raw = null)
    {
        var fields = dims.Select(d => Int(1, d)).Append(Int(2, 1)).Append(Text(8, name)).ToList();
        if (raw is not null) fields.Add(Bytes(9, raw));
        return Message(5, [.. fields]);
    }

    /// <summary>A sparse float initializer declaring <paramref name="dims"/> with one value at linear index 0.</summary>
    public static ProtoField SparseInitializer(string name, params ulong[] dims) =>
        Message(15,
        [
            Message(1, Int(1, 1), Int(2, 1), Text(8, name), Bytes(9, new byte[4])),
            Message(2, Int(1, 1), Int(2, 7), Bytes(9, new byte[8])),
            .. dims.Select(d => Int(3, d)),
        ]);

    /// <summary>A node of <paramref name="opType"/> with inputs, outputs and attributes.</summary>
    public static ProtoField Node(string opType, string[] inputs, string[] outputs, params ProtoField[] attributes) =>
        Message(1, [.. inputs.Select(i => Text(1, i)), .. outputs.Select(o => Text(2, o)), Text(3, opType.ToLowerInvariant() + "_node"), Text(4, opType), .. attributes]);

    /// <summary>An INTS attribute.</summary>
    public static ProtoField IntsAttribute(string name, params long[] values) =>
        Message(5, [Text(1, name), .. values.Select(v => Int(8, (ulong)v)), Int(20, 7)]);

    /// <summary>An INT attribute.</summary>
    public static ProtoField IntAttribute(string name, long value) => Message(5, Text(1, name), Int(3, (ulong)value), Int(20, 2));

    /// <summary>
    /// A packed .admmnn file whose only content is one float initializer named <paramref name="name"/> with
    /// <paramref name="dims"/> and no payload: the graph section as docs/format.md lays it out.
    /// </summary>
    public static byte[] Packed(string name, params ulong[] dims)
    {
        var graph = new MemoryStream();
        void Str(string s) { var b = Encoding.UTF8.GetBytes(s); ProtoTree.WriteVarint(graph, (ulong)b.Length); graph.Write(b); }
        void U(ulong v) => ProtoTree.WriteVarint(graph, v);
        Str("huge"); U(13 << 1); U(8 << 1); Str("hand"); Str("1");
        U(0);               // metadata
        U(0); U(0);         // inputs, outputs
        U(1);               // initializers
        Str(name); graph.WriteByte(1); U((ulong)dims.Length);
        foreach (var d in dims) U(d);
        graph.Write([1, 0, 0, 32, 0]); // packed floats, dense, no levels, 32-bit codes, no index
        U(0); U(0); U(0); U(0);
        U(0);               // nodes
        var section = graph.ToArray();
        var file = new byte[24 + section.Length + 4];
        new byte[] { 0x89, (byte)'A', (byte)'D', (byte)'M', (byte)'M', (byte)'N', (byte)'N', 0x1A }.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), (uint)section.Length);
        section.CopyTo(file, 24);
        PackedMutator.FixCrc(file);
        return file;
    }
}
