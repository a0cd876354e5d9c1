using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Propagates activation shapes through a <see cref="ModelGraph"/> for a batch of one, following ONNX semantics for the
/// ops common in CNNs and MLPs. Pure: reads the graph, returns every value's shape.
/// </summary>
public static class ShapeInference
{
    /// <summary>Ops whose output has the first input's shape.</summary>
    private static readonly HashSet<string> SameShape =
    [
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Dropout", "Identity", "BatchNormalization",
        "Clip", "Elu", "Selu", "HardSigmoid", "HardSwish", "Erf", "Gelu", "Neg", "Abs", "Exp", "Log", "Sqrt", "Cast",
        "LRN", "InstanceNormalization", "LayerNormalization", "PRelu",
    ];

    /// <summary>
    /// Shapes of every value (graph inputs, initializers, node outputs) with batch size 1. <paramref name="inputShapePerSample"/>
    /// is the first graph input's shape without the batch dimension (e.g. <c>[1, 28, 28]</c>); null takes it from the graph,
    /// reading a symbolic first dimension as the batch.
    /// </summary>
    public static Dictionary<string, long[]> Infer(ModelGraph graph, int[]? inputShapePerSample)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var init in graph.Initializers) shapes[init.Name] = init.Dims;
        var inputs = graph.Inputs.Where(i => graph.Initializer(i.Name) is null).ToList();
        if (inputs.Count == 0) throw new ShapeInferenceException($"model '{graph.Name}' has no graph input");
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            long[] dims;
            if (i == 0 && inputShapePerSample is not null) dims = [1, .. inputShapePerSample.Select(d => (long)d)];
            else
            {
                dims = input.Dims.Select((d, k) => d < 0 && k == 0 ? 1 : d).ToArray();
                if (dims.Any(d => d < 0))
                    throw new ShapeInferenceException(
                        $"input '{input.Name}' has symbolic dimensions [{string.Join(",", input.Dims)}]; give the per-sample input shape (e.g. 1,28,28)");
            }
            shapes[input.Name] = dims;
        }
        foreach (var node in graph.Nodes) InferNode(node, shapes, graph);
        return shapes;
    }

    private static void InferNode(GraphNode node, Dictionary<string, long[]> shapes, ModelGraph graph)
    {
        long[] In(int i)
        {
            if (i >= node.Inputs.Count || node.Inputs[i].Length == 0 || !shapes.TryGetValue(node.Inputs[i], out var s))
                throw Fail(node, $"input {i} ('{(i < node.Inputs.Count ? node.Inputs[i] : "")}') has no known shape");
            return s;
        }
        void Out(long[] shape, int index = 0)
        {
            if (index < node.Outputs.Count && node.Outputs[index].Length > 0) shapes[node.Outputs[index]] = shape;
        }

        switch (node.OpType)
        {
            case var op when SameShape.Contains(op):
                Out(In(0));
                break;
            case "Conv":
                Out(ConvOutput(node, In(0), In(1)[0], In(1).Skip(2).ToArray()));
                break;
            case "MaxPool" or "AveragePool" or "LpPool":
                Out(ConvOutput(node, In(0), In(0)[1], Ints(node, "kernel_shape") ?? throw Fail(node, "kernel_shape missing")));
                break;
            case "GlobalAveragePool" or "GlobalMaxPool":
                Out([.. In(0).Take(2), .. Enumerable.Repeat(1L, In(0).Length - 2)]);
                break;
            case "Flatten":
            {
                var x = In(0);
                var axis = (int)(node.Attribute("axis")?.Int ?? 1);
                if (axis < 0) axis += x.Length;
                Out([Product(x.Take(axis)), Product(x.Skip(axis))]);
                break;
            }
            case "Reshape":
            {
                var target = graph.Initializer(node.Inputs[1])?.Int64s
                             ?? throw Fail(node, "the shape input is not a constant initializer");
                Out(Reshape(node, In(0), target));
                break;
            }
            case "Gemm":
            {
                var a = In(0);
                var b = In(1);
                var transA = node.Attribute("transA")?.Int == 1;
                var transB = node.Attribute("transB")?.Int == 1;
                Out([transA ? a[1] : a[0], transB ? b[0] : b[1]]);
                break;
            }
            case "MatMul":
            {
                var a = In(0);
                var b = In(1);
                if (b.Length != 2) throw Fail(node, "only a 2-D right operand is supported");
                Out([.. a.Take(a.Length - 1), b[1]]);
                break;
            }
            case "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Max" or "Min" or "Sum" or "Where":
                Out(node.Inputs.Where(i => i.Length > 0).Select((_, i) => In(i)).Aggregate(Broadcast));
                break;
            case "Concat":
            {
                var parts = node.Inputs.Select((_, i) => In(i)).ToList();
                var axis = (int)(node.Attribute("axis")?.Int ?? 0);
                if (axis < 0) axis += parts[0].Length;
                var shape = parts[0].ToArray();
                shape[axis] = parts.Sum(p => p[axis]);
                Out(shape);
                break;
            }
            case "Transpose":
            {
                var x = In(0);
                var perm = Ints(node, "perm") ?? Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i).ToArray();
                Out(perm.Select(p => x[p]).ToArray());
                break;
            }
            case "Squeeze" or "Unsqueeze" or "Shape" or "Gather" or "Slice" or "Constant":
                throw Fail(node, "shape-computing ops are not supported by the hardware analyzer; export the model with constant shapes");
            default:
                throw Fail(node, "op not supported by the hardware analyzer");
        }
    }

    private static long[] ConvOutput(GraphNode node, long[] x, long channels, long[] kernel)
    {
        var spatial = x.Length - 2;
        if (spatial < 1 || kernel.Length != spatial) throw Fail(node, $"input rank {x.Length} does not match kernel [{string.Join(",", kernel)}]");
        var strides = Ints(node, "strides") ?? Enumerable.Repeat(1L, spatial).ToArray();
        var dilations = Ints(node, "dilations") ?? Enumerable.Repeat(1L, spatial).ToArray();
        var pads = Ints(node, "pads") ?? new long[2 * spatial];
        var autoPad = node.Attribute("auto_pad")?.String ?? "NOTSET";
        var ceil = node.Attribute("ceil_mode")?.Int == 1;
        var output = new long[x.Length];
        output[0] = x[0];
        output[1] = channels;
        for (var d = 0; d < spatial; d++)
        {
            var size = x[d + 2];
            var effective = dilations[d] * (kernel[d] - 1) + 1;
            output[d + 2] = autoPad switch
            {
                "SAME_UPPER" or "SAME_LOWER" => (size + strides[d] - 1) / strides[d],
                "VALID" => (size - effective) / strides[d] + 1,
                _ => ceil
                    ? (long)Math.Ceiling((double)(size + pads[d] + pads[d + spatial] - effective) / strides[d]) + 1
                    : (size + pads[d] + pads[d + spatial] - effective) / strides[d] + 1,
            };
            if (output[d + 2] <= 0) throw Fail(node, $"output dimension {d} would be {output[d + 2]} (input {size}, kernel {kernel[d]})");
        }
        return output;
    }

    private static long[] Reshape(GraphNode node, long[] x, long[] target)
    {
        var result = target.Select((t, i) => t == 0 && i < x.Length ? x[i] : t).ToArray();
        var known = result.Where(d => d >= 0).Aggregate(1L, (a, d) => a * d);
        var unknown = Array.FindIndex(result, d => d < 0);
        if (unknown >= 0)
        {
            if (known == 0) throw Fail(node, "cannot infer -1 with a zero-sized shape");
            result[unknown] = Product(x) / known;
        }
        if (Product(result) != Product(x)) throw Fail(node, $"cannot reshape [{string.Join(",", x)}] to [{string.Join(",", target)}]");
        return result;
    }

    private static long[] Broadcast(long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            result[i] = Math.Max(da, db);
        }
        return result;
    }

    private static long[]? Ints(GraphNode node, string name) => node.Attribute(name)?.Ints;

    private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * d);

    private static ShapeInferenceException Fail(GraphNode node, string message) =>
        new($"node '{node.Name}' ({node.OpType}): {message}");
}
