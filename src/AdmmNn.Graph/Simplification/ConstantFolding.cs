using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Shapes;

namespace AdmmNn.Graph.Simplification;

/// <summary>
/// Evaluates the shape-computing and constant ops PyTorch exports (Constant, ConstantOfShape, Shape, Gather, Unsqueeze,
/// Squeeze, Concat, Slice, Cast, Range, Reshape, Identity, arithmetic) on values known at import time, including shape
/// vectors with a symbolic batch. Pure. Returns null when the node cannot be evaluated.
/// </summary>
internal static class ConstantFolding
{
    /// <summary>Op types this class may fold.</summary>
    public static readonly HashSet<string> Foldable =
    [
        "Constant", "ConstantOfShape", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Range",
        "Reshape", "Identity", "Flatten", "Add", "Sub", "Mul", "Div", "Neg", "Sqrt", "Floor", "Ceil", "Transpose", "Size",
    ];

    /// <summary>
    /// The node's outputs, or null. <paramref name="input"/> gives a known (possibly symbolic) input value or null;
    /// <paramref name="shape"/> an input's inferred shape (for Shape and Size).
    /// </summary>
    public static FoldedValue[]? Evaluate(GraphNode node, int opset, Func<int, FoldedValue?> input, Func<int, Dim[]?> shape)
    {
        if (node.Domain is not "" || !Foldable.Contains(node.OpType)) return null;
        switch (node.OpType)
        {
            case "Constant":
                return [FoldedValue.From(ConstantValue(node))];
            case "Shape":
            {
                var s = shape(0);
                if (s is null) return null;
                var start = (int)(node.Attribute("start")?.Int ?? 0);
                var end = (int)(node.Attribute("end")?.Int ?? s.Length);
                var (from, count) = SliceRange.Resolve(s.Length, start, end, 1);
                return [FoldedValue.OfInts([count], s.Skip((int)from).Take((int)count).ToArray())];
            }
            case "Size":
            {
                var s = shape(0);
                return s is null ? null : [FoldedValue.OfInts([], [ShapeRules.Product(s)])];
            }
        }

        var inputs = new FoldedValue?[node.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            if (node.Inputs[i].Length == 0) continue;
            inputs[i] = input(i);
            if (inputs[i] is null) return null;
        }
        if (inputs.Length == 0 || inputs[0] is null) return node.OpType == "Range" ? null : null;
        var x = inputs[0]!;
        switch (node.OpType)
        {
            case "Identity":
                return [x];
            case "Cast":
                return Cast(x, (ElementType)(node.Attribute("to")?.Int ?? 1));
            case "ConstantOfShape":
            {
                var dims = x.KnownInts;
                if (dims is null) return null;
                var value = node.Attribute("value")?.Tensor;
                var count = dims.Aggregate(1L, (a, d) => a * d);
                return value?.Int64s is { } iv
                    ? [new FoldedValue(dims, value.ElementType, Enumerable.Repeat(Dim.Of(iv[0]), (int)count).ToArray(), null)]
                    : [FoldedValue.OfFloats(dims, Enumerable.Repeat(value?.Floats?[0] ?? 0f, (int)count).ToArray())];
            }
            case "Unsqueeze" or "Squeeze" or "Reshape" or "Flatten":
            {
                var dims = ShapeRules.Infer(node, opset, i => inputs[i]?.Dims.Select(Dim.Of).ToArray(), i => inputs[i] is { IsKnown: true } v ? v.ToTensor("") : null)?[0];
                return dims is null || !dims.All(d => d.IsKnown) ? null : [x.WithDims(dims.Select(d => d.Value).ToArray())];
            }
            case "Gather":
            {
                var indices = inputs[1]?.KnownInts;
                if (indices is null) return null;
                var axis = Axis((int)(node.Attribute("axis")?.Int ?? 0), x.Dims.Length);
                var outer = (int)x.Dims.Take(axis).Aggregate(1L, (a, d) => a * d);
                var inner = (int)x.Dims.Skip(axis + 1).Aggregate(1L, (a, d) => a * d);
                var size = (int)x.Dims[axis];
                var sources = new List<int>();
                for (var o = 0; o < outer; o++)
                    foreach (var raw in indices)
                    {
                        var k = raw < 0 ? raw + size : raw;
                        if (k < 0 || k >= size) throw new GraphException($"node '{node.Name}' (Gather): index {raw} is out of range for size {size}");
                        for (var i = 0; i < inner; i++) sources.Add((int)((o * size + k) * inner + i));
                    }
                return [x.Pick([.. x.Dims.Take(axis), .. inputs[1]!.Dims, .. x.Dims.Skip(axis + 1)], sources.ToArray())];
            }
            case "Concat":
            {
                var parts = inputs.Where(p => p is not null).Select(p => p!).ToList();
                var axis = Axis((int)(node.Attribute("axis")?.Int ?? 0), x.Dims.Length);
                var outer = (int)x.Dims.Take(axis).Aggregate(1L, (a, d) => a * d);
                var dims = x.Dims.ToArray();
                dims[axis] = parts.Sum(p => p.Dims[axis]);
                var ints = x.Ints is null ? null : new List<Dim>();
                var floats = x.Floats is null ? null : new List<float>();
                for (var o = 0; o < outer; o++)
                    foreach (var p in parts)
                    {
                        var block = (int)(p.Count / Math.Max(1, outer));
                        if (p.Ints is not null) ints?.AddRange(p.Ints.Skip(o * block).Take(block));
                        if (p.Floats is not null) floats?.AddRange(p.Floats.Skip(o * block).Take(block));
                    }
                return [new FoldedValue(dims, x.Type, ints?.ToArray(), floats?.ToArray())];
            }
            case "Slice":
                return Slice(node, opset, x, inputs);
            case "Transpose":
            {
                var rank = x.Dims.Length;
                var perm = node.Attribute("perm")?.Ints ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
                var outDims = perm.Select(p => x.Dims[p]).ToArray();
                var inStrides = Strides(x.Dims);
                var sources = new int[x.Count];
                var index = new long[rank];
                for (var n = 0; n < sources.Length; n++)
                {
                    long src = 0;
                    for (var d = 0; d < rank; d++) src += index[d] * inStrides[perm[d]];
                    sources[n] = (int)src;
                    for (var d = rank - 1; d >= 0 && ++index[d] == outDims[d]; d--) index[d] = 0;
                }
                return [x.Pick(outDims, sources)];
            }
            case "Range":
            {
                if (x.IsFloat)
                {
                    float fs = x.Floats![0], fl = inputs[1]!.Floats![0], fd = inputs[2]!.Floats![0];
                    var n = Math.Max(0, (int)Math.Ceiling((fl - fs) / fd));
                    return [FoldedValue.OfFloats([n], Enumerable.Range(0, n).Select(i => fs + i * fd).ToArray())];
                }
                var s = x.KnownInts?[0];
                var l = inputs[1]!.KnownInts?[0];
                var dl = inputs[2]!.KnownInts?[0];
                if (s is null || l is null || dl is null || dl == 0) return null;
                var count = Math.Max(0L, (l.Value - s.Value + dl.Value - Math.Sign(dl.Value)) / dl.Value);
                return [new FoldedValue([count], x.Type, Enumerable.Range(0, (int)count).Select(i => Dim.Of(s.Value + i * dl.Value)).ToArray(), null)];
            }
            case "Neg" or "Sqrt" or "Floor" or "Ceil":
                if (x.Floats is null) return node.OpType == "Neg" && x.KnownInts is { } negated ? [new FoldedValue(x.Dims, x.Type, negated.Select(v => Dim.Of(-v)).ToArray(), null)] : null;
                return [FoldedValue.OfFloats(x.Dims, x.Floats.Select(v => node.OpType switch
                {
                    "Neg" => -v,
                    "Sqrt" => MathF.Sqrt(v),
                    "Floor" => MathF.Floor(v),
                    _ => MathF.Ceiling(v),
                }).ToArray())];
            default:
                return Arithmetic(node, x, inputs[1]);
        }
    }

    /// <summary>The tensor a Constant node holds (any of its value attributes).</summary>
    public static TensorData ConstantValue(GraphNode node)
    {
        var a = node.Attributes.Count == 1 ? node.Attributes[0] : throw new GraphException($"node '{node.Name}' (Constant): needs exactly one attribute");
        return a.Name switch
        {
            "value" when a.Tensor is { } t => t,
            "value_float" => TensorData.FromFloats("", [], [a.Float]),
            "value_floats" => TensorData.FromFloats("", [a.Floats!.Length], a.Floats),
            "value_int" => TensorData.FromInt64s("", [], [a.Int]),
            "value_ints" => TensorData.FromInt64s("", [a.Ints!.Length], a.Ints),
            _ => throw new GraphException($"node '{node.Name}' (Constant): attribute '{a.Name}' is not supported"),
        };
    }

    private static FoldedValue[]? Cast(FoldedValue x, ElementType to)
    {
        var toFloat = to is ElementType.Float32 or ElementType.Float64;
        if (toFloat == x.IsFloat) return [new FoldedValue(x.Dims, to, x.Ints, x.Floats)];
        if (toFloat)
            return x.KnownInts is { } ints ? [new FoldedValue(x.Dims, to, null, ints.Select(v => (float)v).ToArray())] : null;
        return [new FoldedValue(x.Dims, to, x.Floats!.Select(v => Dim.Of((long)v)).ToArray(), null)];
    }

    private static FoldedValue[]? Slice(GraphNode node, int opset, FoldedValue x, FoldedValue?[] inputs)
    {
        long[]? Get(int i, string attribute) => opset >= 10 ? (i < inputs.Length ? inputs[i]?.KnownInts : null) : node.Attribute(attribute)?.Ints;
        var starts = Get(1, "starts");
        var ends = Get(2, "ends");
        if (starts is null || ends is null) return null;
        var axes = Get(3, "axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        var steps = opset >= 10 ? Get(4, "steps") : null;
        var rank = x.Dims.Length;
        var begin = new long[rank];
        var step = Enumerable.Repeat(1L, rank).ToArray();
        var outDims = x.Dims.ToArray();
        for (var k = 0; k < axes.Length; k++)
        {
            var axis = Axis((int)axes[k], rank);
            step[axis] = steps?[k] ?? 1;
            (begin[axis], outDims[axis]) = SliceRange.Resolve(x.Dims[axis], starts[k], ends[k], step[axis]);
        }
        var strides = Strides(x.Dims);
        var count = outDims.Aggregate(1L, (a, d) => a * d);
        var sources = new int[count];
        var index = new long[rank];
        for (var n = 0; n < count; n++)
        {
            long src = 0;
            for (var d = 0; d < rank; d++) src += (begin[d] + index[d] * step[d]) * strides[d];
            sources[n] = (int)src;
            for (var d = rank - 1; d >= 0 && ++index[d] == outDims[d]; d--) index[d] = 0;
        }
        return [x.Pick(outDims, sources)];
    }

    private static FoldedValue[]? Arithmetic(GraphNode node, FoldedValue a, FoldedValue? b)
    {
        if (b is null || a.IsFloat != b.IsFloat) return null;
        var rank = Math.Max(a.Dims.Length, b.Dims.Length);
        var dims = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Dims.Length ? 1 : a.Dims[i - (rank - a.Dims.Length)];
            var db = i < rank - b.Dims.Length ? 1 : b.Dims[i - (rank - b.Dims.Length)];
            if (da != db && da != 1 && db != 1) throw new GraphException($"node '{node.Name}' ({node.OpType}): shapes do not broadcast");
            dims[i] = Math.Max(da, db);
        }
        var count = (int)dims.Aggregate(1L, (p, d) => p * d);
        var ia = BroadcastSources(a.Dims, dims, count);
        var ib = BroadcastSources(b.Dims, dims, count);
        if (a.IsFloat)
        {
            var result = new float[count];
            for (var n = 0; n < count; n++)
            {
                float u = a.Floats![ia[n]], v = b.Floats![ib[n]];
                result[n] = node.OpType switch { "Add" => u + v, "Sub" => u - v, "Mul" => u * v, _ => u / v };
            }
            return [new FoldedValue(dims, a.Type, null, result)];
        }
        var ints = new Dim[count];
        for (var n = 0; n < count; n++)
        {
            Dim u = a.Ints![ia[n]], v = b.Ints![ib[n]];
            ints[n] = node.OpType switch
            {
                "Mul" => u * v,
                "Div" when v.IsKnown && v.Value == 1 => u,
                "Add" or "Sub" when v.IsKnown && v.Value == 0 => u,
                _ when u.IsKnown && v.IsKnown => Dim.Of(node.OpType switch
                {
                    "Add" => u.Value + v.Value,
                    "Sub" => u.Value - v.Value,
                    _ => v.Value == 0 ? throw new GraphException($"node '{node.Name}' (Div): division by zero") : u.Value / v.Value,
                }),
                _ => Dim.Unknown,
            };
        }
        return [new FoldedValue(dims, a.Type, ints, null)];
    }

    private static int[] BroadcastSources(long[] dims, long[] outDims, int count)
    {
        var rank = outDims.Length;
        var strides = new long[rank];
        var stride = 1L;
        for (var i = dims.Length - 1; i >= 0; i--)
        {
            var o = i + rank - dims.Length;
            strides[o] = dims[i] == 1 ? 0 : stride;
            stride *= dims[i];
        }
        var sources = new int[count];
        var index = new long[rank];
        for (var n = 0; n < count; n++)
        {
            long src = 0;
            for (var d = 0; d < rank; d++) src += index[d] * strides[d];
            sources[n] = (int)src;
            for (var d = rank - 1; d >= 0 && ++index[d] == outDims[d]; d--) index[d] = 0;
        }
        return sources;
    }

    private static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        var s = 1L;
        for (var i = dims.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= dims[i];
        }
        return strides;
    }

    private static int Axis(int axis, int rank) => axis < 0 ? axis + rank : axis;
}
