using AdmmNn.Abstractions.Models;
using AdmmNn.Graph.Simplification;

namespace AdmmNn.Graph.Shapes;

/// <summary>
/// Output shapes of one node from its input shapes and constant inputs, following ONNX semantics: the single place an
/// op's shape rule is taught. Pure. Returns null for an op it does not know.
/// </summary>
internal static class ShapeRules
{
    /// <summary>Ops whose (first) output has the first input's shape.</summary>
    public static readonly HashSet<string> SameShape =
    [
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Identity", "BatchNormalization", "Clip", "Elu",
        "Selu", "HardSigmoid", "HardSwish", "Erf", "Gelu", "Neg", "Abs", "Exp", "Log", "Sqrt", "Cast", "Floor", "Ceil",
        "LRN", "InstanceNormalization", "LayerNormalization", "PRelu", "Reciprocal", "Softplus", "Mish", "Not", "Round",
        "Sign", "Sin", "Cos",
    ];

    private static readonly HashSet<string> Elementwise =
        ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Where", "Equal", "Less", "Greater", "And", "Or"];

    /// <summary>Op types with a shape rule.</summary>
    public static IEnumerable<string> Known =>
        SameShape.Concat(Elementwise).Concat([
            "Dropout", "Conv", "MaxPool", "AveragePool", "LpPool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape",
            "Gemm", "MatMul", "Concat", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Split", "Pad", "ReduceMean", "ReduceSum",
            "ReduceMax", "ReduceMin", "Shape", "Gather", "Constant", "ConstantOfShape", "Range", "Expand"]);

    /// <summary><see cref="Known"/> as a set.</summary>
    public static readonly HashSet<string> KnownSet = Known.ToHashSet();

    /// <summary>The node's output shapes, or null when the op has no rule. Throws <see cref="GraphException"/> on inconsistent shapes.</summary>
    /// <param name="node">The node.</param>
    /// <param name="opset">Default-domain opset.</param>
    /// <param name="input">Input shapes by position (null: unknown or omitted).</param>
    /// <param name="constant">Constant inputs by position (null: not constant).</param>
    /// <param name="integers">Integer inputs known element-wise but possibly symbolic (a reshape target holding the batch), or null.</param>
    public static Dim[]?[]? Infer(GraphNode node, int opset, Func<int, Dim[]?> input, Func<int, TensorData?> constant, Func<int, Dim[]?>? integers = null)
    {
        Dim[] In(int i) => input(i) ?? throw Fail(node, $"input {i} has no known shape");
        long[] ConstInts(int i, string what) =>
            constant(i)?.Int64s ?? throw Fail(node, $"{what} (input {i}) must be a constant");
        long[]? AxesFrom(int inputIndex) =>
            opset >= 13 || node.OpType is "ReduceMean" or "ReduceMax" or "ReduceMin" && opset >= 18
                ? (node.Inputs.Count > inputIndex && node.Inputs[inputIndex].Length > 0 ? ConstInts(inputIndex, "axes") : null)
                : node.Attribute("axes")?.Ints;

        switch (node.OpType)
        {
            case var op when SameShape.Contains(op):
                return [In(0)];
            case "Dropout":
                return [In(0), In(0)];
            case var op when Elementwise.Contains(op):
                return [Enumerable.Range(0, node.Inputs.Count).Where(i => node.Inputs[i].Length > 0).Select(In).Aggregate((a, b) => Broadcast(node, a, b))];
            case "Conv":
            {
                var w = In(1);
                return [Window(node, In(0), w[0], w.Skip(2).Select(d => d.Value).ToArray())];
            }
            case "MaxPool" or "AveragePool" or "LpPool":
            {
                var x = In(0);
                var kernel = node.Attribute("kernel_shape")?.Ints ?? throw Fail(node, "kernel_shape missing");
                var y = Window(node, x, x[1], kernel);
                return [y, y];
            }
            case "GlobalAveragePool" or "GlobalMaxPool":
                return [[.. In(0).Take(2), .. Enumerable.Repeat(Dim.Of(1), In(0).Length - 2)]];
            case "Flatten":
            {
                var x = In(0);
                var axis = Axis(node, (int)(node.Attribute("axis")?.Int ?? 1), x.Length + 1);
                return [[Product(x.Take(axis)), Product(x.Skip(axis))]];
            }
            case "Reshape":
                return [Reshape(node, In(0),
                    (constant(1)?.Int64s ?? node.Attribute("shape")?.Ints)?.Select(Dim.Of).ToArray() ?? integers?.Invoke(1) ?? throw Fail(node, "the target shape is not a constant"),
                    node.Attribute("allowzero")?.Int == 1)];
            case "Gemm":
            {
                var a = In(0);
                var b = In(1);
                return [[node.Attribute("transA")?.Int == 1 ? a[1] : a[0], node.Attribute("transB")?.Int == 1 ? b[0] : b[1]]];
            }
            case "MatMul":
                return [MatMul(node, In(0), In(1))];
            case "Concat":
            {
                var parts = Enumerable.Range(0, node.Inputs.Count).Select(In).ToList();
                var axis = Axis(node, (int)(node.Attribute("axis")?.Int ?? 0), parts[0].Length);
                var shape = parts[0].ToArray();
                shape[axis] = parts.Select(p => p[axis]).Aggregate(Dim.Of(0), (s, d) => s.IsKnown && d.IsKnown ? Dim.Of(s.Value + d.Value) : Dim.Unknown);
                return [shape];
            }
            case "Transpose":
            {
                var x = In(0);
                var perm = node.Attribute("perm")?.Ints ?? Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i).ToArray();
                if (perm.Length != x.Length) throw Fail(node, $"perm has {perm.Length} entries for rank {x.Length}");
                return [perm.Select(p => x[p]).ToArray()];
            }
            case "Unsqueeze":
            {
                var x = In(0);
                var axes = (AxesFrom(1) ?? throw Fail(node, "axes missing")).Select(a => Axis(node, (int)a, x.Length + (AxesFrom(1)!.Length))).Order().ToArray();
                var result = new List<Dim>(x);
                foreach (var a in axes) result.Insert(a, Dim.Of(1));
                return [result.ToArray()];
            }
            case "Squeeze":
            {
                var x = In(0);
                var axes = AxesFrom(1)?.Select(a => Axis(node, (int)a, x.Length)).ToHashSet();
                return [x.Where((d, i) => axes is null ? !(d.IsKnown && d.Value == 1) : !axes.Contains(i)).ToArray()];
            }
            case "Slice":
                return [Slice(node, opset, In(0), constant)];
            case "Split":
            {
                var x = In(0);
                var axis = Axis(node, (int)(node.Attribute("axis")?.Int ?? 0), x.Length);
                var split = opset >= 13 ? (node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? ConstInts(1, "split") : null) : node.Attribute("split")?.Ints;
                var count = node.Outputs.Count;
                if (split is null)
                {
                    if (!x[axis].IsKnown) throw Fail(node, "cannot split an unknown dimension evenly");
                    var size = (x[axis].Value + count - 1) / count;
                    split = Enumerable.Range(0, count).Select(i => Math.Min(size, x[axis].Value - i * size)).ToArray();
                }
                return split.Select(s =>
                {
                    var y = x.ToArray();
                    y[axis] = Dim.Of(s);
                    return (Dim[]?)y;
                }).ToArray();
            }
            case "Pad":
            {
                var x = In(0);
                var pads = opset >= 11 ? ConstInts(1, "pads") : node.Attribute("pads")?.Ints ?? throw Fail(node, "pads missing");
                if (pads.Length != 2 * x.Length) throw Fail(node, $"pads has {pads.Length} entries for rank {x.Length}");
                return [x.Select((d, i) => d.IsKnown ? Dim.Of(d.Value + pads[i] + pads[i + x.Length]) : pads[i] + pads[i + x.Length] == 0 ? d : Dim.Unknown).ToArray()];
            }
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin":
            {
                var x = In(0);
                var axesInput = node.OpType == "ReduceSum" ? opset >= 13 : opset >= 18;
                var raw = axesInput ? (node.Inputs.Count > 1 && node.Inputs[1].Length > 0 ? ConstInts(1, "axes") : null) : node.Attribute("axes")?.Ints;
                var axes = (raw ?? Enumerable.Range(0, x.Length).Select(i => (long)i).ToArray()).Select(a => Axis(node, (int)a, x.Length)).ToHashSet();
                var keep = node.Attribute("keepdims")?.Int != 0;
                return [x.Select((d, i) => axes.Contains(i) ? keep ? Dim.Of(1) : (Dim?)null : d).Where(d => d is not null).Select(d => d!.Value).ToArray()];
            }
            case "Shape":
                return [[Dim.Of(In(0).Length)]];
            case "Gather":
            {
                var x = In(0);
                var indices = In(1);
                var axis = Axis(node, (int)(node.Attribute("axis")?.Int ?? 0), x.Length);
                return [[.. x.Take(axis), .. indices, .. x.Skip(axis + 1)]];
            }
            case "Constant":
                return [ConstantFolding.ConstantValue(node).Dims.Select(Dim.Of).ToArray()];
            case "ConstantOfShape":
                return [ConstInts(0, "shape").Select(Dim.Of).ToArray()];
            case "Expand":
                return [Broadcast(node, In(0), ConstInts(1, "shape").Select(Dim.Of).ToArray())];
            case "Range":
                return [[Dim.Unknown]];
            default:
                return null;
        }
    }

    /// <summary>Output of a convolution or pooling window over NC[spatial] input <paramref name="x"/>.</summary>
    private static Dim[] Window(GraphNode node, Dim[] x, Dim channels, long[] kernel)
    {
        var spatial = x.Length - 2;
        if (spatial < 1 || kernel.Length != spatial)
            throw Fail(node, $"input {Dim.Format(x)} does not match kernel [{string.Join(",", kernel)}]");
        var strides = node.Attribute("strides")?.Ints ?? Enumerable.Repeat(1L, spatial).ToArray();
        var dilations = node.Attribute("dilations")?.Ints ?? Enumerable.Repeat(1L, spatial).ToArray();
        var pads = node.Attribute("pads")?.Ints ?? new long[2 * spatial];
        var autoPad = node.Attribute("auto_pad")?.String ?? "NOTSET";
        var ceil = node.Attribute("ceil_mode")?.Int == 1;
        var output = new Dim[x.Length];
        output[0] = x[0];
        output[1] = channels;
        for (var d = 0; d < spatial; d++)
        {
            if (!x[d + 2].IsKnown)
            {
                output[d + 2] = Dim.Unknown;
                continue;
            }
            var size = x[d + 2].Value;
            var effective = dilations[d] * (kernel[d] - 1) + 1;
            long o;
            switch (autoPad)
            {
                case "SAME_UPPER" or "SAME_LOWER":
                    o = (size + strides[d] - 1) / strides[d];
                    break;
                case "VALID":
                    o = (size - effective) / strides[d] + 1;
                    break;
                default:
                {
                    var span = size + pads[d] + pads[d + spatial] - effective;
                    o = (ceil ? (span + strides[d] - 1) / strides[d] : span / strides[d]) + 1;
                    // As PyTorch (and ONNX since opset 19): a last window starting inside the end padding is dropped.
                    if (ceil && (o - 1) * strides[d] >= size + pads[d]) o--;
                    break;
                }
            }
            if (o <= 0 || size + pads[d] + pads[d + spatial] < effective && autoPad is "NOTSET" or "VALID")
                throw Fail(node, $"spatial input {size} (padded by {pads[d]}+{pads[d + spatial]}) is smaller than the kernel {effective}");
            output[d + 2] = Dim.Of(o);
        }
        return output;
    }

    /// <summary>Reshape to <paramref name="target"/>: known entries (0 copies, -1 is inferred) or symbolic ones taken as they are.</summary>
    private static Dim[] Reshape(GraphNode node, Dim[] x, Dim[] target, bool allowZero)
    {
        var text = Dim.Format(target);
        var result = target.Select((t, i) => !t.IsKnown ? t : t.Value == 0 && !allowZero && i < x.Length ? x[i] : t.Value < 0 ? Dim.Unknown : t).ToArray();
        var unknown = Array.FindIndex(target, t => t.IsKnown && t.Value == -1);
        if (unknown >= 0)
        {
            var total = Product(x);
            var rest = Product(result.Where((_, i) => i != unknown));
            if (total.IsKnown && rest.IsKnown)
            {
                if (rest.Value == 0 || total.Value % rest.Value != 0)
                    throw Fail(node, $"cannot reshape {Dim.Format(x)} to {text}");
                result[unknown] = Dim.Of(total.Value / rest.Value);
            }
            else
            {
                // Cancel the symbolic dimensions both sides share (the batch); what remains decides the -1.
                var left = x.ToList();
                var right = result.Where((_, i) => i != unknown).ToList();
                foreach (var d in right.Where(d => d.IsSymbolic).ToList())
                    if (left.Remove(d)) right.Remove(d);
                var knownLeft = Product(left.Where(d => d.IsKnown));
                var knownRight = Product(right);
                var symbols = left.Where(d => !d.IsKnown).ToList();
                if (knownRight.IsKnown && knownRight.Value != 0 && knownLeft.Value % knownRight.Value == 0)
                {
                    if (symbols.Count == 0) result[unknown] = Dim.Of(knownLeft.Value / knownRight.Value);
                    else if (symbols.Count == 1 && knownLeft.Value == knownRight.Value) result[unknown] = symbols[0];
                }
            }
        }
        else if (Product(x) is { IsKnown: true } a && Product(result) is { IsKnown: true } b && a.Value != b.Value)
            throw Fail(node, $"cannot reshape {Dim.Format(x)} to {text}");
        return result;
    }

    private static Dim[] MatMul(GraphNode node, Dim[] a, Dim[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw Fail(node, "operands must not be scalars");
        var a2 = a.Length == 1 ? [Dim.Of(1), a[0]] : a;
        var b2 = b.Length == 1 ? [b[0], Dim.Of(1)] : b;
        var batch = Broadcast(node, a2.Take(a2.Length - 2).ToArray(), b2.Take(b2.Length - 2).ToArray());
        var result = new List<Dim>(batch);
        if (a.Length > 1) result.Add(a2[^2]);
        if (b.Length > 1) result.Add(b2[^1]);
        return result.ToArray();
    }

    private static Dim[] Slice(GraphNode node, int opset, Dim[] x, Func<int, TensorData?> constant)
    {
        long[] Get(int i, string attribute, string what) => opset >= 10
            ? constant(i)?.Int64s ?? throw Fail(node, $"{what} (input {i}) must be a constant")
            : node.Attribute(attribute)?.Ints ?? throw Fail(node, $"{attribute} missing");
        var starts = Get(1, "starts", "starts");
        var ends = Get(2, "ends", "ends");
        var axes = opset >= 10 ? node.Inputs.Count > 3 && node.Inputs[3].Length > 0 ? Get(3, "axes", "axes") : null : node.Attribute("axes")?.Ints;
        var steps = opset >= 10 && node.Inputs.Count > 4 && node.Inputs[4].Length > 0 ? Get(4, "steps", "steps") : null;
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        var result = x.ToArray();
        for (var k = 0; k < axes.Length; k++)
        {
            var axis = Axis(node, (int)axes[k], x.Length);
            if (!x[axis].IsKnown)
            {
                result[axis] = starts[k] == 0 && ends[k] >= int.MaxValue && (steps?[k] ?? 1) == 1 ? x[axis] : Dim.Unknown;
                continue;
            }
            result[axis] = Dim.Of(SliceRange.Count(x[axis].Value, starts[k], ends[k], steps?[k] ?? 1));
        }
        return result;
    }

    /// <summary>Numpy-style broadcast of two shapes.</summary>
    public static Dim[] Broadcast(GraphNode node, Dim[] a, Dim[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? Dim.Of(1) : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? Dim.Of(1) : b[i - (rank - b.Length)];
            if (da.IsKnown && da.Value == 1) result[i] = db;
            else if (db.IsKnown && db.Value == 1) result[i] = da;
            else if (da.IsKnown && db.IsKnown && da.Value != db.Value)
                throw Fail(node, $"shapes {Dim.Format(a)} and {Dim.Format(b)} do not broadcast");
            else result[i] = da.IsKnown ? da : db.IsKnown ? db : da.IsSymbolic && da == db ? da : Dim.Unknown;
        }
        return result;
    }

    /// <summary>Product of dimensions (see <see cref="Dim.op_Multiply"/>).</summary>
    public static Dim Product(IEnumerable<Dim> dims) => dims.Aggregate(Dim.Of(1), (p, d) => p * d);

    private static int Axis(GraphNode node, int axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1)) throw Fail(node, $"axis {axis} is out of range for rank {rank}");
        return a;
    }

    internal static GraphException Fail(GraphNode node, string message) => new($"node '{node.Name}' ({node.OpType}): {message}");
}
