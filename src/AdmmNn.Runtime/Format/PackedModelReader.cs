using System.Buffers.Binary;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Format;

/// <summary>
/// Reads <c>.admmnn</c> files. Hardened: every length, count, shape and index is checked against the file before it is
/// used or allocated; anything malformed throws <see cref="InvalidModelException"/> with the offset and field.
/// </summary>
public static class PackedModelReader
{
    /// <summary>Largest file accepted (the whole file is read into memory).</summary>
    public const int MaxFileBytes = 1 << 30;

    /// <summary>Reads a packed model from a stream (read to its end).</summary>
    public static PackedModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Read(ReadAll(stream));
    }

    /// <summary>Reads a packed model from its bytes.</summary>
    public static PackedModel Read(byte[] file) => Read(file, null);

    /// <summary>Reads with an explicit element limit (null: <see cref="PackedFormat.MaxElementsPerFileByte"/> per file byte); for trusted, generated files.</summary>
    internal static PackedModel Read(byte[] file, long? elementLimit)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length < PackedFormat.HeaderBytes + PackedFormat.TrailerBytes)
            throw new InvalidModelException(file.Length, "header", $"file has {file.Length} bytes, fewer than the {PackedFormat.HeaderBytes + PackedFormat.TrailerBytes}-byte minimum");
        if (!file.AsSpan(0, 8).SequenceEqual(PackedFormat.Magic)) throw new InvalidModelException(0, "header.magic", "not an .admmnn file");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        if (version is < PackedFormat.OldestVersion or > PackedFormat.Version)
            throw new InvalidModelException(8, "header.version", $"version {version} is not supported (this runtime reads {PackedFormat.OldestVersion} to {PackedFormat.Version})");
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(10));
        if (flags != 0) throw new InvalidModelException(10, "header.flags", $"unknown flags 0x{flags:X4}");
        ulong graphLength = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        ulong payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16));
        ulong available = (ulong)(file.Length - PackedFormat.HeaderBytes - PackedFormat.TrailerBytes);
        if (graphLength > available) throw new InvalidModelException(12, "header.graphLength", $"graph section of {graphLength} bytes but only {available} follow the header");
        if (payloadLength != available - graphLength)
            throw new InvalidModelException(16, "header.payloadLength", $"payload of {payloadLength} bytes but the file leaves {available - graphLength}");
        int crcOffset = file.Length - PackedFormat.TrailerBytes;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(crcOffset));
        uint actual = Crc32.Compute(file.AsSpan(0, crcOffset));
        if (stored != actual) throw new InvalidModelException(crcOffset, "trailer.crc32", $"checksum 0x{stored:X8} does not match the content (0x{actual:X8}): the file is corrupt");

        int graphStart = PackedFormat.HeaderBytes, graphEnd = graphStart + (int)graphLength;
        var r = new SectionReader(file, graphStart, graphEnd);
        long limit = elementLimit ?? PackedFormat.MaxElementsPerFileByte * file.Length;
        var budget = new ElementBudget(limit);
        var g = new ModelGraph
        {
            Name = r.String("graph.name"),
            OpsetVersion = (int)Math.Clamp(r.VarInt("graph.opset"), 0, int.MaxValue),
            IrVersion = r.VarInt("graph.irVersion"),
            ProducerName = r.String("graph.producerName"),
            ProducerVersion = r.String("graph.producerVersion"),
        };
        int metadataCount = r.Count("graph.metadata", 2);
        for (int i = 0; i < metadataCount; i++)
        {
            var key = r.String("metadata.key");
            g.Metadata[key] = r.String("metadata.value");
        }
        g.Inputs = ReadValueInfos(r, "inputs");
        g.Outputs = ReadValueInfos(r, "outputs");

        int initializerCount = r.Count("graph.initializers", 4);
        var plans = new List<(TensorData Tensor, TensorStoragePlan Plan, int Offset)>();
        var tensors = new List<PackedTensorSummary>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < initializerCount; i++)
        {
            int at = r.Offset;
            var t = ReadTensorHeader(r, budget, "initializer");
            if (!names.Add(t.Name)) throw new InvalidModelException(at, "initializer.name", $"duplicate initializer '{t.Name}'");
            byte storage = r.Byte("initializer.storage");
            bool isFloat = PackedModelWriter.IsFloat(t.ElementType);
            if (storage == PackedFormat.PackedFloats && isFloat)
            {
                var encoding = (TensorEncoding)r.Byte("tensor.encoding");
                if (!Enum.IsDefined(encoding)) throw new InvalidModelException(r.Offset - 1, "tensor.encoding", $"unknown encoding {(int)encoding}");
                if (version < PackedFormat.RiceVersion && PackedFormat.IsRiceCoded(encoding))
                    throw new InvalidModelException(r.Offset - 1, "tensor.encoding", $"encoding {(int)encoding} (Rice-coded indices) needs format version {PackedFormat.RiceVersion}, the file says {version}");
                var levels = (LevelKind)r.Byte("tensor.levels");
                if (!Enum.IsDefined(levels)) throw new InvalidModelException(r.Offset - 1, "tensor.levels", $"unknown level kind {(int)levels}");
                int codeBits = r.Byte("tensor.codeBits");
                int indexBits = r.Byte("tensor.indexBits");
                long nonZeros = (long)Math.Min(r.VarUInt("tensor.nonZeros"), long.MaxValue / 4);
                long fillers = (long)Math.Min(r.VarUInt("tensor.fillers"), long.MaxValue / 4);
                int codebookEntries = (int)Math.Min(r.VarUInt("tensor.codebookEntries"), int.MaxValue);
                long totalBits = (long)Math.Min(r.VarUInt("tensor.totalBits"), long.MaxValue / 4);
                var plan = TensorCodec.ValidatePlan(r, t.ElementCount, encoding, levels, codeBits, indexBits, nonZeros, fillers, codebookEntries, totalBits);
                plans.Add((t, plan, at));
                tensors.Add(new PackedTensorSummary(t.Name, t.Dims, plan));
            }
            else if (storage == PackedFormat.InlineIntegers && !isFloat)
            {
                t.Int64s = ReadIntegers(r, (int)t.ElementCount, "initializer.values");
            }
            else throw new InvalidModelException(r.Offset - 1, "initializer.storage", $"storage {storage} does not fit element type {t.ElementType}");
            g.Initializers.Add(t);
        }

        int nodeCount = r.Count("graph.nodes", 6);
        var nodeOffsets = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++)
        {
            nodeOffsets[i] = r.Offset;
            var n = new GraphNode { Name = r.String("node.name"), OpType = r.String("node.opType"), Domain = r.String("node.domain") };
            int inputs = r.Count("node.inputs");
            for (int k = 0; k < inputs; k++) n.Inputs.Add(r.String("node.input"));
            int outputs = r.Count("node.outputs");
            for (int k = 0; k < outputs; k++) n.Outputs.Add(r.String("node.output"));
            int attributes = r.Count("node.attributes", 2);
            for (int k = 0; k < attributes; k++) n.Attributes.Add(ReadAttribute(r, budget));
            g.Nodes.Add(n);
        }
        if (!r.AtEnd) throw r.Error("graph", $"{r.Remaining} unread bytes at the end of the graph section");

        // Payload: the tensors back to back, each exactly ceil(TotalBits / 8) bytes.
        long payloadNeeded = 0;
        foreach (var (_, plan, _) in plans) payloadNeeded += plan.PayloadBytes;
        if ((ulong)payloadNeeded != payloadLength)
            throw new InvalidModelException(16, "header.payloadLength", $"payload of {payloadLength} bytes but the tensors need {payloadNeeded}");
        long offset = graphEnd;
        foreach (var (t, plan, at) in plans)
        {
            var values = new float[t.ElementCount];
            var problem = TensorCodec.Decode(file.AsSpan((int)offset, (int)plan.PayloadBytes), plan, values);
            if (problem is not null) throw new InvalidModelException(offset, $"tensor '{t.Name}'", problem);
            t.Floats = values;
            offset += plan.PayloadBytes;
        }
        return new PackedModel(g, new PackedModelSummary(file.Length - (long)payloadLength, (long)payloadLength, tensors), nodeOffsets, file.Length, limit);
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek)
        {
            long left = stream.Length - stream.Position;
            if (left > MaxFileBytes) throw new InvalidModelException(0, "file", $"file of {left} bytes exceeds the {MaxFileBytes}-byte limit");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes) throw new InvalidModelException(buffer.Length, "file", $"file exceeds the {MaxFileBytes}-byte limit");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static List<ValueInfo> ReadValueInfos(SectionReader r, string field)
    {
        int count = r.Count($"graph.{field}", 3);
        var list = new List<ValueInfo>(count);
        for (int i = 0; i < count; i++)
        {
            var name = r.String($"{field}.name");
            var type = ReadElementType(r, $"{field}.elementType");
            int rank = r.Int($"{field}.rank", 0, PackedFormat.MaxRank);
            var dims = new long[rank];
            var symbols = new string?[rank];
            for (int d = 0; d < rank; d++)
            {
                int at = r.Offset;
                dims[d] = r.VarInt($"{field}.dims");
                if (dims[d] > int.MaxValue || dims[d] < -int.MaxValue) throw new InvalidModelException(at, $"{field}.dims", $"dimension {dims[d]} out of range");
                var symbol = r.String($"{field}.dimName");
                symbols[d] = symbol.Length == 0 ? null : symbol;
            }
            list.Add(new ValueInfo(name, type, dims, symbols.Any(s => s is not null) ? symbols : null));
        }
        return list;
    }

    private static ElementType ReadElementType(SectionReader r, string field)
    {
        var type = (ElementType)r.Byte(field);
        if (!Enum.IsDefined(type) || type == ElementType.Undefined) throw new InvalidModelException(r.Offset - 1, field, $"unknown element type {(int)type}");
        return type;
    }

    private static TensorData ReadTensorHeader(SectionReader r, ElementBudget budget, string field)
    {
        var t = new TensorData { Name = r.String($"{field}.name"), ElementType = ReadElementType(r, $"{field}.elementType") };
        int rank = r.Int($"{field}.rank", 0, PackedFormat.MaxRank);
        var dims = new long[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            int at = r.Offset;
            var v = r.VarUInt($"{field}.dims");
            if (v > int.MaxValue) throw new InvalidModelException(at, $"{field}.dims", $"dimension {v} out of range");
            dims[d] = (long)v;
            count = count == 0 || v == 0 ? 0 : (count > int.MaxValue / (long)v ? long.MaxValue : count * (long)v);
        }
        string dimsText = $"[{string.Join(",", dims)}]";
        if (count > int.MaxValue / 2)
            throw r.Error($"{field}.dims", $"tensor '{t.Name}' {dimsText} declares {(count == long.MaxValue ? "more than 2^31" : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} elements, more than the limit of {int.MaxValue / 2}");
        budget.Take(count, r, $"{field}.dims", $"tensor '{t.Name}' {dimsText}");
        t.Dims = dims;
        return t;
    }

    private static long[] ReadIntegers(SectionReader r, int count, string field)
    {
        if (count > r.Remaining) throw r.Error(field, $"{count} integers cannot fit in the {r.Remaining} bytes left");
        var values = new long[count];
        for (int i = 0; i < count; i++) values[i] = r.VarInt(field);
        return values;
    }

    private static NodeAttribute ReadAttribute(SectionReader r, ElementBudget budget)
    {
        var a = new NodeAttribute { Name = r.String("attribute.name") };
        int at = r.Offset;
        a.Kind = (AttributeKind)r.Byte("attribute.kind");
        switch (a.Kind)
        {
            case AttributeKind.Float: a.Float = r.Float("attribute.float"); break;
            case AttributeKind.Int: a.Int = r.VarInt("attribute.int"); break;
            case AttributeKind.String: a.String = r.String("attribute.string"); break;
            case AttributeKind.Tensor:
                var t = ReadTensorHeader(r, budget, "attribute.tensor");
                if (PackedModelWriter.IsFloat(t.ElementType))
                {
                    int n = (int)t.ElementCount;
                    if ((long)n * 4 > r.Remaining) throw r.Error("attribute.tensor.values", $"{n} floats cannot fit in the {r.Remaining} bytes left");
                    var f = new float[n];
                    for (int i = 0; i < n; i++) f[i] = r.Float("attribute.tensor.values");
                    t.Floats = f;
                }
                else t.Int64s = ReadIntegers(r, (int)t.ElementCount, "attribute.tensor.values");
                a.Tensor = t;
                break;
            case AttributeKind.Floats:
                int fc = r.Count("attribute.floats", 4);
                a.Floats = new float[fc];
                for (int i = 0; i < fc; i++) a.Floats[i] = r.Float("attribute.floats");
                break;
            case AttributeKind.Ints:
                int ic = r.Count("attribute.ints");
                a.Ints = new long[ic];
                for (int i = 0; i < ic; i++) a.Ints[i] = r.VarInt("attribute.ints");
                break;
            case AttributeKind.Strings:
                int sc = r.Count("attribute.strings");
                a.Strings = new string[sc];
                for (int i = 0; i < sc; i++) a.Strings[i] = r.String("attribute.strings");
                break;
            default: throw new InvalidModelException(at, "attribute.kind", $"unknown attribute kind {(int)a.Kind}");
        }
        return a;
    }
}
