using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>The ONNX operators the engine runs (default domain), with a factory for each.</summary>
internal static class OpRegistry
{
    private static readonly Dictionary<string, Func<GraphNode, OpCompileContext, NodeOp>> Factories = new()
    {
        ["Add"] = (n, c) => new BinaryOp(n, c),
        ["Clip"] = (n, c) => new ClipOp(n, c),
        ["Erf"] = (n, c) => new ErfOp(n, c),
        ["Gelu"] = (n, c) => new GeluOp(n, c),
        ["HardSigmoid"] = (n, c) => new HardSigmoidOp(n, c),
        ["HardSwish"] = (n, c) => new HardSwishOp(n, c),
        ["LayerNormalization"] = (n, c) => new LayerNormalizationOp(n, c),
        ["Pad"] = (n, c) => new PadOp(n, c),
        ["ReduceMean"] = (n, c) => new ReduceMeanOp(n, c),
        ["Slice"] = (n, c) => new SliceOp(n, c),
        ["Split"] = (n, c) => new SplitOp(n, c),
        ["AveragePool"] = (n, c) => new PoolOp(n, c),
        ["BatchNormalization"] = (n, c) => new BatchNormOp(n, c),
        ["Concat"] = (n, c) => new ConcatOp(n, c),
        ["Constant"] = (n, c) => new ConstantOp(n, c),
        ["Conv"] = (n, c) => new ConvOp(n, c),
        ["Div"] = (n, c) => new BinaryOp(n, c),
        ["Dropout"] = (n, c) => new DropoutOp(n, c),
        ["Flatten"] = (n, c) => new FlattenOp(n, c),
        ["Gemm"] = (n, c) => new GemmOp(n, c),
        ["GlobalAveragePool"] = (n, c) => new GlobalAveragePoolOp(n, c),
        ["Identity"] = (n, c) => new IdentityOp(n, c),
        ["LeakyRelu"] = (n, c) => new LeakyReluOp(n, c),
        ["LogSoftmax"] = (n, c) => new SoftmaxOp(n, c),
        ["MatMul"] = (n, c) => new MatMulOp(n, c),
        ["MaxPool"] = (n, c) => new PoolOp(n, c),
        ["Mul"] = (n, c) => new BinaryOp(n, c),
        ["Relu"] = (n, c) => new ReluOp(n, c),
        ["Reshape"] = (n, c) => new ReshapeOp(n, c),
        ["Sigmoid"] = (n, c) => new SigmoidOp(n, c),
        ["Softmax"] = (n, c) => new SoftmaxOp(n, c),
        ["Sub"] = (n, c) => new BinaryOp(n, c),
        ["Tanh"] = (n, c) => new TanhOp(n, c),
        ["Transpose"] = (n, c) => new TransposeOp(n, c),
    };

    /// <summary>Minimum and maximum number of inputs per op type (ONNX schemas; omitted optional inputs count as present).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> Arity = new()
    {
        ["Add"] = (2, 2), ["Sub"] = (2, 2), ["Mul"] = (2, 2), ["Div"] = (2, 2),
        ["AveragePool"] = (1, 1), ["MaxPool"] = (1, 1), ["GlobalAveragePool"] = (1, 1),
        ["BatchNormalization"] = (5, 5), ["Concat"] = (1, int.MaxValue), ["Constant"] = (0, 0),
        ["Conv"] = (2, 3), ["Gemm"] = (2, 3), ["MatMul"] = (2, 2), ["Dropout"] = (1, 3),
        ["Flatten"] = (1, 1), ["Identity"] = (1, 1), ["LeakyRelu"] = (1, 1), ["Relu"] = (1, 1),
        ["Sigmoid"] = (1, 1), ["Tanh"] = (1, 1), ["Softmax"] = (1, 1), ["LogSoftmax"] = (1, 1),
        ["Reshape"] = (1, 2), ["Transpose"] = (1, 1),
        ["Clip"] = (1, 3), ["Erf"] = (1, 1), ["Gelu"] = (1, 1), ["HardSigmoid"] = (1, 1), ["HardSwish"] = (1, 1),
        ["LayerNormalization"] = (2, 3), ["Pad"] = (1, 4), ["ReduceMean"] = (1, 2), ["Slice"] = (1, 5), ["Split"] = (1, 2),
    };

    /// <summary>Throws when <paramref name="node"/> has too few or too many inputs, or no output.</summary>
    public static void CheckArity(GraphNode node, int opset)
    {
        var (min, max) = Arity.GetValueOrDefault(node.OpType, (0, int.MaxValue));
        int count = node.Inputs.Count;
        // Trailing omitted optional inputs do not count; required ones must be named.
        bool requiredMissing = node.Inputs.Take(min).Any(string.IsNullOrEmpty);
        if (count < min || count > max || requiredMissing || node.Outputs.Count == 0 || string.IsNullOrEmpty(node.Outputs[0]))
        {
            string expected = min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
            throw new Modules.InvalidModelException(
                $"Node '{node.Name}' ({node.OpType}, opset {opset}): has {count} inputs and {node.Outputs.Count} outputs; expected {expected} inputs (required ones named) and at least one output.");
        }
    }

    /// <summary>Supported op types, sorted.</summary>
    public static IReadOnlyList<string> Supported { get; } = Factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The factory for <paramref name="opType"/>, or null.</summary>
    public static Func<GraphNode, OpCompileContext, NodeOp>? Find(string opType) => Factories.GetValueOrDefault(opType);
}
