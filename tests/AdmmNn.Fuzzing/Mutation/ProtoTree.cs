namespace AdmmNn.Fuzzing.Mutation;

/// <summary>
/// Schema-free protobuf parsing and writing, enough for structure-aware mutation: a length-delimited payload is taken as a
/// nested message when it parses completely as one (strings and raw tensor bytes mostly do not). Writing recomputes every
/// length prefix, so an edit deep inside a message yields a well-formed file around it.
/// </summary>
internal static class ProtoTree
{
    private const int MaxDepth = 12;

    /// <summary>Large payloads (raw tensor data) are never parsed as messages: they are weights, not structure.</summary>
    private const int MaxMessagePayload = 1 << 16;

    public static IReadOnlyList<ProtoField>? TryParse(ReadOnlySpan<byte> data, int depth = 0)
    {
        var fields = new List<ProtoField>();
        int position = 0;
        while (position < data.Length)
        {
            if (!TryReadVarint(data, ref position, out var tag)) return null;
            int number = (int)(tag >> 3), wire = (int)(tag & 7);
            if (number <= 0 || tag >> 3 > 536870911) return null;
            switch (wire)
            {
                case ProtoField.WireVarint:
                    if (!TryReadVarint(data, ref position, out var v)) return null;
                    fields.Add(new ProtoField(number, wire, v, [], null));
                    break;
                case ProtoField.WireFixed64:
                case ProtoField.WireFixed32:
                    int size = wire == ProtoField.WireFixed64 ? 8 : 4;
                    if (data.Length - position < size) return null;
                    fields.Add(new ProtoField(number, wire, 0, data.Slice(position, size).ToArray(), null));
                    position += size;
                    break;
                case ProtoField.WireLength:
                    if (!TryReadVarint(data, ref position, out var length) || length > (ulong)(data.Length - position)) return null;
                    var payload = data.Slice(position, (int)length);
                    position += (int)length;
                    var children = depth < MaxDepth && payload.Length is > 0 and <= MaxMessagePayload ? TryParse(payload, depth + 1) : null;
                    fields.Add(new ProtoField(number, wire, 0, children is null ? payload.ToArray() : [], children));
                    break;
                default:
                    return null;
            }
        }
        return fields;
    }

    /// <summary>
    /// Serializes the tree into one buffer of the exact size: sizes first (memoized per message list), then one pass of
    /// writes. Writing each nested message to its own stream copied a 1.7 MB model's weights once per level and per
    /// stream growth, which was most of the long ONNX run's time.
    /// </summary>
    public static byte[] Write(IReadOnlyList<ProtoField> fields)
    {
        var sizes = new Dictionary<IReadOnlyList<ProtoField>, long>(ReferenceEqualityComparer.Instance);
        var buffer = new byte[checked((int)SizeOf(fields, sizes))];
        int at = 0;
        Write(buffer, ref at, fields, sizes);
        return buffer;
    }

    private static long SizeOf(IReadOnlyList<ProtoField> fields, Dictionary<IReadOnlyList<ProtoField>, long> sizes)
    {
        if (sizes.TryGetValue(fields, out var known)) return known;
        long total = 0;
        foreach (var f in fields)
        {
            total += VarintSize(((ulong)f.Number << 3) | (uint)f.WireType);
            switch (f.WireType)
            {
                case ProtoField.WireVarint: total += VarintSize(f.Varint); break;
                case ProtoField.WireLength:
                    long length = f.Children is { } c ? SizeOf(c, sizes) : f.Payload.Length;
                    total += VarintSize((ulong)length) + length;
                    break;
                default: total += f.Payload.Length; break;
            }
        }
        sizes[fields] = total;
        return total;
    }

    private static void Write(byte[] buffer, ref int at, IReadOnlyList<ProtoField> fields, Dictionary<IReadOnlyList<ProtoField>, long> sizes)
    {
        foreach (var f in fields)
        {
            WriteVarint(buffer, ref at, ((ulong)f.Number << 3) | (uint)f.WireType);
            switch (f.WireType)
            {
                case ProtoField.WireVarint: WriteVarint(buffer, ref at, f.Varint); break;
                case ProtoField.WireLength when f.Children is { } c:
                    WriteVarint(buffer, ref at, (ulong)sizes[c]);
                    Write(buffer, ref at, c, sizes);
                    break;
                case ProtoField.WireLength:
                    WriteVarint(buffer, ref at, (ulong)f.Payload.Length);
                    f.Payload.CopyTo(buffer, at);
                    at += f.Payload.Length;
                    break;
                default:
                    f.Payload.CopyTo(buffer, at);
                    at += f.Payload.Length;
                    break;
            }
        }
    }

    private static int VarintSize(ulong value)
    {
        int n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    private static void WriteVarint(byte[] buffer, ref int at, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
    }

    public static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }

    public static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length) return false;
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    /// <summary>Every field in the tree with its path of indices from the root (depth-first).</summary>
    public static List<(int[] Path, ProtoField Field, int[] Numbers)> Sites(IReadOnlyList<ProtoField> root)
    {
        var sites = new List<(int[], ProtoField, int[])>();
        void Walk(IReadOnlyList<ProtoField> fields, List<int> path, List<int> numbers)
        {
            for (int i = 0; i < fields.Count; i++)
            {
                path.Add(i);
                numbers.Add(fields[i].Number);
                sites.Add((path.ToArray(), fields[i], numbers.ToArray()));
                if (fields[i].Children is { } c) Walk(c, path, numbers);
                path.RemoveAt(path.Count - 1);
                numbers.RemoveAt(numbers.Count - 1);
            }
        }
        Walk(root, [], []);
        return sites;
    }

    /// <summary>A copy of <paramref name="root"/> with the list holding the field at <paramref name="path"/> edited by <paramref name="edit"/>.</summary>
    public static IReadOnlyList<ProtoField> EditParent(IReadOnlyList<ProtoField> root, int[] path, Action<List<ProtoField>, int> edit)
    {
        var list = root.ToList();
        if (path.Length == 1)
        {
            edit(list, path[0]);
            return list;
        }
        var parent = list[path[0]];
        list[path[0]] = parent with { Children = EditParent(parent.Children!, path[1..], edit) };
        return list;
    }
}
