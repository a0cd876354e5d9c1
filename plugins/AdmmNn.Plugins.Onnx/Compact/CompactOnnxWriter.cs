using System.Globalization;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;

namespace AdmmNn.Plugins.Onnx.Compact;

/// <summary>
/// Writes a <see cref="ModelGraph"/> as a compact ONNX file that stock ONNX Runtime runs, with every weight value unchanged:
/// float initializers whose values are exactly <c>scale * q</c> on a symmetric equal-interval grid become INT8 (or INT4 at
/// opset 21+) initializers feeding a DequantizeLinear node (zero point 0) that produces the original value name; pruned
/// float initializers that are not quantized become <c>sparse_initializer</c>s (values plus INT64 linear indices), and a
/// quantized tensor is stored sparse too (INT8 levels) when that is smaller. Codebook (non-uniform) levels stay float
/// and are listed in the <see cref="FloatCodebookMetadataKey"/> metadata entry.
/// </summary>
public static class CompactOnnxWriter
{
    /// <summary>metadata_props key listing each compacted initializer as <c>name=encoding</c>, separated by ';'.</summary>
    public const string EncodingsMetadataKey = "admmnn.compact.encodings";

    /// <summary>metadata_props key listing initializers on a few non-equally-spaced levels, which stay float.</summary>
    public const string FloatCodebookMetadataKey = "admmnn.compact.float_codebook";

    /// <summary>Opset that introduced DequantizeLinear.</summary>
    public const int DequantizeLinearOpset = 10;

    /// <summary>Opset that introduced INT4 tensors (and INT4 DequantizeLinear).</summary>
    public const int Int4Opset = 21;

    private const int MaxTrackedLevels = 1 << 16;

    // Ops whose meaning for the same attributes changed at the given opset: raising a graph across it would change the
    // model, so the writer refuses instead (re-export the model at the newer opset first).
    private static readonly Dictionary<string, int[]> BreakingOpsets = new(StringComparer.Ordinal)
    {
        ["Softmax"] = [13], ["LogSoftmax"] = [13], ["Hardmax"] = [13], ["BatchNormalization"] = [9], ["Upsample"] = [9, 10],
        ["Resize"] = [11, 13], ["Pad"] = [11], ["Slice"] = [10], ["Squeeze"] = [13], ["Unsqueeze"] = [13], ["ReduceSum"] = [13],
        ["ReduceMean"] = [18], ["ReduceMax"] = [18], ["ReduceMin"] = [18], ["ReduceProd"] = [18], ["ReduceL1"] = [18], ["ReduceL2"] = [18],
        ["ReduceLogSum"] = [18], ["ReduceLogSumExp"] = [18], ["ReduceSumSquare"] = [18], ["Split"] = [13, 18], ["Clip"] = [11], ["TopK"] = [10],
    };

    /// <summary>Builds the compact model in memory.</summary>
    /// <exception cref="ModelFormatException">The opset asked for is unsupported or would change the meaning of a node.</exception>
    public static CompactOnnxResult Export(ModelGraph graph, CompactOnnxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new CompactOnnxOptions();

        var candidates = graph.Initializers
            .Where(t => t.ElementType == ElementType.Float32 && t.Floats is not null && t.ElementCount >= options.MinElements)
            .Select(Analyze)
            .ToList();
        bool anyUniform = candidates.Any(c => c.Scale8 is not null);
        int opset = ChooseOpset(graph, options, anyUniform);
        bool canDequantize = opset >= DequantizeLinearOpset;
        bool canInt4 = opset >= Int4Opset;

        var copy = graph.WithNodes([]);
        copy.OpsetVersion = opset;
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in graph.Initializers) usedNames.Add(t.Name);
        foreach (var v in graph.Inputs.Concat(graph.Outputs)) usedNames.Add(v.Name);
        foreach (var n in graph.Nodes) { usedNames.Add(n.Name); foreach (var v in n.Inputs.Concat(n.Outputs)) usedNames.Add(v); }

        var byName = candidates.ToDictionary(c => c.Tensor.Name, StringComparer.Ordinal);
        var reports = new List<CompactTensorReport>();
        var sparse = new HashSet<string>(StringComparer.Ordinal);
        var dequantizeNodes = new List<GraphNode>();
        bool usesInt4 = false;
        foreach (var tensor in graph.Initializers)
        {
            if (!byName.TryGetValue(tensor.Name, out var c)) { copy.Initializers.Add(tensor); continue; }
            long count = tensor.ElementCount;
            if (canDequantize && c.Scale8 is float scale)
            {
                bool int4 = canInt4 && c.Scale4 is not null;
                if (int4) scale = c.Scale4!.Value;
                long denseBytes = int4 ? (count + 1) / 2 : count;
                long sparseBytes = c.NonZeros * (1 + 8);
                bool asSparse = options.SparseInitializers && sparseBytes < denseBytes;
                // A sparse INT4 initializer would need sub-byte densification in the runtime; sparse levels are INT8.
                var type = asSparse || !int4 ? ElementType.Int8 : ElementType.Int4;
                usesInt4 |= type == ElementType.Int4;
                var levels = new long[count];
                var values = tensor.Floats!;
                for (long i = 0; i < count; i++) levels[i] = UniformLevels.Level(values[i], scale);
                var quantized = Unique(tensor.Name + "_quantized", usedNames);
                var scaleName = Unique(tensor.Name + "_scale", usedNames);
                var zeroName = Unique(tensor.Name + "_zero_point", usedNames);
                copy.Initializers.Add(new TensorData { Name = quantized, Dims = tensor.Dims, ElementType = type, Int64s = levels });
                copy.Initializers.Add(TensorData.FromFloats(scaleName, [], [scale]));
                copy.Initializers.Add(new TensorData { Name = zeroName, Dims = [], ElementType = type, Int64s = [0] });
                if (asSparse) sparse.Add(quantized);
                dequantizeNodes.Add(new GraphNode
                {
                    Name = Unique(tensor.Name + "_DequantizeLinear", usedNames), OpType = "DequantizeLinear",
                    Inputs = [quantized, scaleName, zeroName], Outputs = [tensor.Name],
                });
                var encoding = asSparse ? CompactTensorEncoding.SparseInt8 : int4 ? CompactTensorEncoding.Int4 : CompactTensorEncoding.Int8;
                reports.Add(new CompactTensorReport(tensor.Name, count, c.NonZeros, encoding, scale, c.Levels,
                    (asSparse ? sparseBytes : denseBytes) + 4 + 1, ""));
                continue;
            }

            copy.Initializers.Add(tensor);
            bool sparseWins = options.SparseInitializers && c.NonZeros * (4L + 8) < count * 4;
            if (sparseWins) sparse.Add(tensor.Name);
            var note = c.Levels > 0 && c.Levels <= 256
                ? c.Scale8 is null ? $"{c.Levels} levels, not equally spaced (codebook): kept float" : $"{c.Levels} equally spaced levels, but opset {opset} has no DequantizeLinear: kept float"
                : "";
            reports.Add(new CompactTensorReport(tensor.Name, count, c.NonZeros, sparseWins ? CompactTensorEncoding.SparseFloat : CompactTensorEncoding.Float,
                0f, c.Levels, sparseWins ? c.NonZeros * 12 : count * 4, note));
        }
        copy.Nodes = [.. dequantizeNodes, .. graph.Nodes];

        copy.Metadata[EncodingsMetadataKey] = string.Join(";", reports.Select(r => $"{r.Name}={Describe(r)}"));
        var codebooks = reports.Where(r => r.Note.Contains("codebook", StringComparison.Ordinal)).ToList();
        if (codebooks.Count > 0) copy.Metadata[FloatCodebookMetadataKey] = string.Join(";", codebooks.Select(r => $"{r.Name}={r.Levels} levels"));
        else copy.Metadata.Remove(FloatCodebookMetadataKey);

        // sparse_initializer needs IR 6; INT4 needs IR 10; each opset has a minimum IR version.
        copy.IrVersion = Math.Max(graph.IrVersion, Math.Max(IrVersionFor(opset), Math.Max(sparse.Count > 0 ? 6 : 3, usesInt4 ? 10 : 3)));

        var model = OnnxExporter.Export(copy);
        MoveToSparse(model.Graph, sparse);
        return new CompactOnnxResult(model.ToByteArray(), opset, reports);
    }

    /// <summary>Writes the compact model to <paramref name="stream"/>.</summary>
    public static CompactOnnxResult Write(ModelGraph graph, Stream stream, CompactOnnxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var result = Export(graph, options);
        stream.Write(result.Bytes);
        return result;
    }

    /// <summary>Short text for an encoding, as written in the metadata and by the CLI.</summary>
    public static string Describe(CompactTensorReport report) => report.Encoding switch
    {
        CompactTensorEncoding.Float => "float",
        CompactTensorEncoding.SparseFloat => "sparse-float",
        CompactTensorEncoding.Int8 => "int8",
        CompactTensorEncoding.Int4 => "int4",
        _ => "sparse-int8",
    } + (report.Scale != 0f ? " scale " + report.Scale.ToString("R", CultureInfo.InvariantCulture) : "");

    private sealed record Candidate(TensorData Tensor, long NonZeros, int Levels, float? Scale8, float? Scale4);

    private static Candidate Analyze(TensorData tensor)
    {
        var values = tensor.Floats!;
        long nonZeros = 0;
        bool hasZero = false;
        var distinct = new HashSet<int>();
        bool tooMany = false;
        foreach (var v in values)
        {
            if (v == 0f) { hasZero = true; continue; }
            nonZeros++;
            if (!tooMany && distinct.Add(BitConverter.SingleToInt32Bits(v)) && distinct.Count > MaxTrackedLevels) tooMany = true;
        }
        if (tooMany) return new Candidate(tensor, nonZeros, -1, null, null);
        var levels = distinct.Select(BitConverter.Int32BitsToSingle).ToArray();
        int levelCount = levels.Length + (hasZero ? 1 : 0);
        float? scale8 = levels.Length is > 0 and <= 255 ? UniformLevels.FindScale(levels, -128, 127) : null;
        float? scale4 = levels.Length is > 0 and <= 15 ? UniformLevels.FindScale(levels, -8, 7) : null;
        return new Candidate(tensor, nonZeros, levelCount, scale8, scale4);
    }

    private static int ChooseOpset(ModelGraph graph, CompactOnnxOptions options, bool anyUniform)
    {
        int opset = options.Opset ?? (anyUniform ? Math.Max(graph.OpsetVersion, DequantizeLinearOpset) : graph.OpsetVersion);
        if (opset < OnnxFormat.MinOpset || opset > OnnxFormat.MaxOpset)
            throw new ModelFormatException($"cannot write opset {opset} (supported: {OnnxFormat.MinOpset} to {OnnxFormat.MaxOpset})");
        if (opset < graph.OpsetVersion)
            throw new ModelFormatException($"cannot lower the model's opset {graph.OpsetVersion} to {opset}");
        foreach (var node in graph.Nodes)
        {
            if (node.Domain.Length > 0 || !BreakingOpsets.TryGetValue(node.OpType, out var versions)) continue;
            foreach (var v in versions)
                if (graph.OpsetVersion < v && v <= opset)
                    throw new ModelFormatException(
                        $"node '{node.Name}' ({node.OpType}): raising opset {graph.OpsetVersion} to {opset} would change its meaning at opset {v}; re-export the model at opset {opset} first or ask for opset below {v}");
        }
        return opset;
    }

    /// <summary>The IR version that first allows <paramref name="opset"/> (ONNX's versioning table).</summary>
    private static long IrVersionFor(int opset) => opset switch
    {
        >= 21 => 10, >= 19 => 9, >= 16 => 8, >= 12 => 7, 11 => 6, 10 => 5, 9 => 4, _ => 3,
    };

    private static string Unique(string stem, HashSet<string> used)
    {
        var name = stem;
        for (int i = 1; !used.Add(name); i++) name = $"{stem}_{i}";
        return name;
    }

    /// <summary>Replaces the named dense initializers by sparse ones: nonzero values plus INT64 linear indices.</summary>
    private static void MoveToSparse(GraphProto graph, HashSet<string> names)
    {
        if (names.Count == 0) return;
        var keep = new List<TensorProto>();
        foreach (var dense in graph.Initializer)
        {
            if (!names.Contains(dense.Name)) { keep.Add(dense); continue; }
            var tensor = OnnxTensors.Read(dense, $"initializer '{dense.Name}'", external: null);
            long count = tensor.ElementCount;
            var indices = new List<long>();
            for (long i = 0; i < count; i++)
                if (tensor.Floats is { } f ? f[i] != 0f : tensor.Int64s![i] != 0) indices.Add(i);
            var values = new TensorData { Name = dense.Name, Dims = [indices.Count], ElementType = tensor.ElementType };
            if (tensor.Floats is { } floats) values.Floats = indices.Select(i => floats[i]).ToArray();
            else values.Int64s = indices.Select(i => tensor.Int64s![i]).ToArray();
            var sparse = new SparseTensorProto
            {
                Values = OnnxTensors.Write(values, $"sparse initializer '{dense.Name}' (values)"),
                Indices = OnnxTensors.Write(TensorData.FromInt64s(dense.Name + "_indices", [indices.Count], [.. indices]), $"sparse initializer '{dense.Name}' (indices)"),
            };
            sparse.Dims.AddRange(dense.Dims);
            graph.SparseInitializer.Add(sparse);
        }
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keep);
    }
}
