using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Execution.Ops;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Runtime.Execution;

/// <summary>Turns a packed model's graph into an <see cref="ExecutionPlan"/>; every problem is an <see cref="InvalidModelException"/>.</summary>
internal static class GraphCompiler
{
    /// <summary>Op types the runtime executes (default ONNX domain).</summary>
    public static readonly string[] SupportedOps =
    [
        "Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Constant", "Conv", "Div", "Dropout", "Erf", "Flatten",
        "Gelu", "Gemm", "GlobalAveragePool", "HardSigmoid", "HardSwish", "Identity", "LayerNormalization", "LeakyRelu",
        "LogSoftmax", "MatMul", "MaxPool", "Mul", "Pad", "ReduceMean", "Relu", "Reshape", "Sigmoid", "Slice", "Softmax",
        "Split", "Sub", "Tanh", "Transpose",
    ];

    public static (ExecutionPlan Plan, List<CompressedLayerInfo> Layers) Compile(PackedModel model, KernelChoice kernels)
    {
        var g = model.Graph;
        bool? forceSparse = kernels switch { KernelChoice.Sparse => true, KernelChoice.Dense => false, _ => null };
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        var constants = new List<Value?>();
        var integerConstants = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        int Add(string name, Value? constant)
        {
            slots[name] = constants.Count;
            constants.Add(constant);
            return constants.Count - 1;
        }

        foreach (var t in g.Initializers)
        {
            tensors[t.Name] = t;
            var shape = t.Dims.Select(d => (int)d).ToArray();
            if (t.Floats is { } f) Add(t.Name, new Value(f, shape));
            else
            {
                integerConstants[t.Name] = t.Int64s!;
                Add(t.Name, new Value(t.Int64s!.Select(v => (float)v).ToArray(), shape));
            }
        }

        var inputs = g.Inputs.Where(i => !slots.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1) throw new InvalidModelException(0, "graph.inputs", $"the runtime runs models with exactly one input; this one has {inputs.Count}");
        var input = inputs[0];
        if (input.ElementType != ElementType.Float32) throw new InvalidModelException(0, "graph.inputs", $"input '{input.Name}' must be float32, not {input.ElementType}");
        if (input.Dims.Length < 1 || input.Dims.Skip(1).Any(d => d < 1))
            throw new InvalidModelException(0, "graph.inputs", $"input '{input.Name}' needs a batch dimension followed by fixed positive dimensions, got [{string.Join(",", input.Dims)}]");
        var sampleShape = input.Dims.Skip(1).Select(d => (int)d).ToArray();
        int inputSlot = Add(input.Name, null);
        if (g.Outputs.Count < 1) throw new InvalidModelException(0, "graph.outputs", "the model has no outputs");

        // Every unsupported node in one message (not the first only), so a model is fixed, or waited for, once.
        var unsupported = g.Nodes.Select((n, i) => (Node: n, Index: i))
            .Where(x => x.Node.Domain is not ("" or "ai.onnx") || !SupportedOps.Contains(x.Node.OpType)).ToList();
        if (unsupported.Count > 1)
        {
            var first = unsupported[0];
            throw new InvalidModelException(first.Index < model.NodeOffsets.Length ? model.NodeOffsets[first.Index] : 0, "graph.nodes",
                $"{unsupported.Count} nodes use ops the runtime does not support: {string.Join(", ", unsupported.Select(x => $"node '{x.Node.Name}' ({(x.Node.Domain is "" ? "" : x.Node.Domain + ".")}{x.Node.OpType})"))} (supported: {string.Join(", ", SupportedOps)})");
        }

        var ops = new List<Op>();
        var layers = new List<CompressedLayerInfo>();
        for (int index = 0; index < g.Nodes.Count; index++)
        {
            var node = g.Nodes[index];
            int offset = index < model.NodeOffsets.Length ? model.NodeOffsets[index] : 0;
            string field = $"node '{node.Name}' ({node.OpType})";
            try
            {
                if (node.Domain is not ("" or "ai.onnx"))
                    throw new ShapeException($"domain '{node.Domain}' is not supported");
                var inSlots = node.Inputs.Select(name => name.Length == 0 ? -1
                    : slots.TryGetValue(name, out var s) ? s : throw new ShapeException($"input '{name}' is not produced before this node")).ToArray();
                TensorData? Const(int i) => i < node.Inputs.Count && node.Inputs[i].Length > 0 && tensors.TryGetValue(node.Inputs[i], out var t) && t.Floats is not null ? t : null;
                long[]? Ints(int i, string what) => i >= node.Inputs.Count || node.Inputs[i].Length == 0 ? null
                    : integerConstants.GetValueOrDefault(node.Inputs[i]) ?? throw new ShapeException($"the {what} input '{node.Inputs[i]}' must be an integer constant");
                long[]? Longs(string name) => node.Attribute(name) is not { } a ? null
                    : a.Kind == AttributeKind.Ints ? a.Ints ?? [] : throw new ShapeException($"attribute '{name}' must be a list of integers");
                void Need(int count)
                {
                    if (node.Inputs.Count < count || node.Inputs.Take(count).Any(n => n.Length == 0)) throw new ShapeException($"needs {count} inputs");
                    if (node.Outputs.Count < 1 || node.Outputs[0].Length == 0) throw new ShapeException("needs an output");
                }

                if (node.OpType == "Constant")
                {
                    Need(0);
                    var value = ConstantValue(node);
                    tensors[node.Outputs[0]] = value;
                    if (value.Int64s is { } ints) integerConstants[node.Outputs[0]] = ints;
                    var shape = value.Dims.Select(d => (int)d).ToArray();
                    Add(node.Outputs[0], new Value(value.Floats ?? value.Int64s!.Select(v => (float)v).ToArray(), shape));
                    continue;
                }

                Op op;
                switch (node.OpType)
                {
                    case "Conv":
                        Need(2);
                        var w = Const(1) ?? throw new ShapeException("the weight must be a float initializer");
                        var conv = new ConvOp(node, w, Const(2), forceSparse);
                        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0 && Const(2) is null) throw new ShapeException("the bias must be a float initializer");
                        layers.Add(new CompressedLayerInfo(node.Name, node.OpType, w.Name, w.ElementCount, conv.IsSparse ? "sparse" : "dense", CountNonZeros(w)));
                        op = conv;
                        inSlots = [inSlots[0]];
                        break;
                    case "Gemm":
                        Need(2);
                        if (Const(1) is { } gw && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0 || Const(2) is not null))
                        {
                            var linear = LinearOp.ForGemm(node, gw, Const(2), forceSparse);
                            layers.Add(new CompressedLayerInfo(node.Name, node.OpType, gw.Name, gw.ElementCount, linear.IsSparse ? "sparse" : "dense", CountNonZeros(gw)));
                            op = linear;
                            inSlots = [inSlots[0]];
                        }
                        else op = new GemmOp(node);
                        break;
                    case "MatMul":
                        Need(2);
                        if (Const(1) is { Dims.Length: 2 } mw)
                        {
                            var linear = LinearOp.ForMatMul(mw, forceSparse);
                            layers.Add(new CompressedLayerInfo(node.Name, node.OpType, mw.Name, mw.ElementCount, linear.IsSparse ? "sparse" : "dense", CountNonZeros(mw)));
                            op = linear;
                            inSlots = [inSlots[0]];
                        }
                        else op = new MatMulOp();
                        break;
                    case "MaxPool": Need(1); op = new PoolOp(node, max: true); break;
                    case "AveragePool": Need(1); op = new PoolOp(node, max: false); break;
                    case "GlobalAveragePool": Need(1); op = new GlobalAveragePoolOp(); break;
                    case "BatchNormalization":
                        Need(5);
                        float[] P(int i) => Const(i)?.Floats ?? throw new ShapeException($"input {i} must be a float initializer");
                        op = new BatchNormalizationOp(P(1), P(2), P(3), P(4), NodeAttributes.Float(node, "epsilon", 1e-5f));
                        inSlots = [inSlots[0]];
                        break;
                    case "Relu": Need(1); op = new UnaryOp(UnaryOp.Kind.Relu); break;
                    case "LeakyRelu": Need(1); op = new UnaryOp(UnaryOp.Kind.LeakyRelu, NodeAttributes.Float(node, "alpha", 0.01f)); break;
                    case "Sigmoid": Need(1); op = new UnaryOp(UnaryOp.Kind.Sigmoid); break;
                    case "Tanh": Need(1); op = new UnaryOp(UnaryOp.Kind.Tanh); break;
                    case "Identity": Need(1); op = new UnaryOp(UnaryOp.Kind.Identity); break;
                    case "Dropout": Need(1); op = new UnaryOp(UnaryOp.Kind.Identity); inSlots = [inSlots[0]]; break;
                    case "Add": Need(2); op = new BinaryOp(BinaryOp.Kind.Add); break;
                    case "Sub": Need(2); op = new BinaryOp(BinaryOp.Kind.Sub); break;
                    case "Mul": Need(2); op = new BinaryOp(BinaryOp.Kind.Mul); break;
                    case "Div": Need(2); op = new BinaryOp(BinaryOp.Kind.Div); break;
                    case "Flatten": Need(1); op = new FlattenOp((int)NodeAttributes.Int(node, "axis", 1)); break;
                    case "Reshape":
                        Need(2);
                        var target = integerConstants.GetValueOrDefault(node.Inputs[1]) ?? throw new ShapeException("the target shape must be an int64 initializer");
                        op = new ReshapeOp(target, NodeAttributes.Int(node, "allowzero", 0) != 0);
                        inSlots = [inSlots[0]];
                        break;
                    case "Transpose": Need(1); op = new TransposeOp(NodeAttributes.Ints(node, "perm")); break;
                    case "Concat":
                        Need(1);
                        if (inSlots.Any(s => s < 0)) throw new ShapeException("inputs must not be empty");
                        op = new ConcatOp((int)NodeAttributes.Int(node, "axis", 0));
                        break;
                    case "Softmax" or "LogSoftmax":
                        Need(1);
                        bool modern = g.OpsetVersion >= 13;
                        op = new SoftmaxOp(node.OpType == "LogSoftmax", (int)NodeAttributes.Int(node, "axis", modern ? -1 : 1), !modern);
                        break;
                    case "Clip":
                        Need(1);
                        bool clipAttributes = g.OpsetVersion < 11;
                        op = new ClipOp(clipAttributes ? NodeAttributes.Float(node, "min", float.NegativeInfinity) : float.NegativeInfinity,
                            clipAttributes ? NodeAttributes.Float(node, "max", float.PositiveInfinity) : float.PositiveInfinity);
                        if (clipAttributes) inSlots = [inSlots[0]];
                        break;
                    case "HardSigmoid": Need(1); op = new HardSigmoidOp(NodeAttributes.Float(node, "alpha", 0.2f), NodeAttributes.Float(node, "beta", 0.5f)); break;
                    case "HardSwish": Need(1); op = new HardSwishOp(); break;
                    case "Erf": Need(1); op = new ErfOp(); break;
                    case "Gelu":
                        Need(1);
                        var approximate = NodeAttributes.String(node, "approximate", "none");
                        op = new GeluOp(approximate switch { "none" => false, "tanh" => true, _ => throw new ShapeException($"approximate '{approximate}' is not 'none' or 'tanh'") });
                        break;
                    case "ReduceMean":
                        Need(1);
                        op = new ReduceMeanOp(g.OpsetVersion < 18 ? Longs("axes") : Ints(1, "axes"), NodeAttributes.Int(node, "keepdims", 1) != 0,
                            g.OpsetVersion >= 18 && NodeAttributes.Int(node, "noop_with_empty_axes", 0) != 0);
                        inSlots = [inSlots[0]];
                        break;
                    case "Pad":
                        Need(1);
                        var padMode = NodeAttributes.String(node, "mode", "constant");
                        if (padMode is not ("constant" or "edge" or "reflect")) throw new ShapeException($"mode '{padMode}' is not supported (constant, edge, reflect are)");
                        op = g.OpsetVersion < 11
                            ? new PadOp(padMode, Longs("pads") ?? throw new ShapeException("attribute pads is required before opset 11"), null, NodeAttributes.Float(node, "value", 0f))
                            : new PadOp(padMode, Ints(1, "pads") ?? throw new ShapeException("input pads is required from opset 11"), Ints(3, "axes"), 0f);
                        if (g.OpsetVersion < 11) inSlots = [inSlots[0]];
                        break;
                    case "Slice":
                        Need(1);
                        long[] Required(long[]? v, string what) => v ?? throw new ShapeException($"{what} is required");
                        op = g.OpsetVersion < 10
                            ? new SliceOp(Required(Longs("starts"), "attribute starts"), Required(Longs("ends"), "attribute ends"), Longs("axes"), null)
                            : new SliceOp(Required(Ints(1, "starts"), "input starts"), Required(Ints(2, "ends"), "input ends"), Ints(3, "axes"), Ints(4, "steps"));
                        inSlots = [inSlots[0]];
                        break;
                    case "Split":
                        Need(1);
                        op = new SplitOp((int)NodeAttributes.Int(node, "axis", 0), g.OpsetVersion < 13 ? Longs("split") : Ints(1, "split"), g.OpsetVersion >= 18);
                        inSlots = [inSlots[0]];
                        break;
                    case "LayerNormalization":
                        Need(2);
                        if (node.Outputs.Count > 2 && node.Outputs[2].Length > 0 && node.Outputs[1].Length == 0) throw new ShapeException("the InvStdDev output needs the Mean output named too");
                        op = new LayerNormalizationOp((int)NodeAttributes.Int(node, "axis", -1), NodeAttributes.Float(node, "epsilon", 1e-5f));
                        break;
                    default:
                        throw new ShapeException($"op type '{node.OpType}' is not supported (supported: {string.Join(", ", SupportedOps)})");
                }

                op.Name = node.Name;
                op.OpType = node.OpType;
                op.NodeOffset = offset;
                op.Inputs = inSlots;
                var outNames = node.OpType is "Dropout" or "BatchNormalization" or "MaxPool" or "LayerNormalization"
                    ? node.Outputs.Take(1).Concat(node.Outputs.Skip(1).Where(n => n.Length > 0)).ToList()
                    : node.Outputs;
                var outSlots = new List<int>();
                foreach (var name in outNames)
                {
                    if (name.Length == 0 || slots.ContainsKey(name)) throw new ShapeException($"output '{name}' is empty or already defined");
                    outSlots.Add(Add(name, null));
                }
                op.Outputs = outSlots.ToArray();
                ops.Add(op);
            }
            catch (ShapeException ex)
            {
                throw new InvalidModelException(offset, field, ex.Message);
            }
            catch (InvalidModelException)
            {
                throw;
            }
        }

        var outputName = g.Outputs[0].Name;
        if (!slots.TryGetValue(outputName, out var outputSlot)) throw new InvalidModelException(0, "graph.outputs", $"output '{outputName}' is not produced by any node");
        var plan = new ExecutionPlan(constants.Count, constants.ToArray(), inputSlot, sampleShape, outputSlot, ops.ToArray());

        // Validate every shape for one sample now, so a bad model fails at load, not at the first run.
        int[][] shapes;
        try
        {
            shapes = plan.ShapesFor(1, (op, ex) => throw new InvalidModelException(op.NodeOffset, $"node '{op.Name}' ({op.OpType})", ex.Message));
        }
        catch (ShapeException ex)
        {
            throw new InvalidModelException(0, "graph", ex.Message);
        }
        long limit = model.ElementLimit;
        foreach (var s in shapes)
        {
            long size;
            try
            {
                size = s is null ? 0 : Shapes.Size(s);
            }
            catch (ShapeException)
            {
                size = long.MaxValue;
            }
            if (size > limit)
                throw new InvalidModelException(0, "graph", $"a value of shape {Shapes.Format(s!)} needs more elements than a file of {model.FileLength} bytes can justify");
        }
        // And the compute one sample needs, so a small file cannot demand hours (e.g. a huge pooling window over huge pads).
        long work = 0;
        foreach (var op in plan.Ops)
        {
            long w = op.Work(op.Inputs.Select(s => s < 0 ? null : shapes[s]).ToArray());
            work = w > long.MaxValue - work ? long.MaxValue : work + w;
        }
        if (work / WorkPerElement > limit)
            throw new InvalidModelException(0, "graph", $"one sample needs about {work:E1} operations, more than a file of {model.FileLength} bytes can justify");
        return (plan, layers);
    }

    /// <summary>Operations per sample a model may need per element the file may declare (see PackedFormat.MaxElementsPerFileByte).</summary>
    public const long WorkPerElement = 256;

    private static long CountNonZeros(TensorData t) => t.Floats!.LongCount(v => v != 0f);

    private static TensorData ConstantValue(GraphNode node)
    {
        var a = node.Attributes.Count == 1 ? node.Attributes[0] : throw new ShapeException("Constant needs exactly one attribute");
        return a.Name switch
        {
            "value" when a.Kind == AttributeKind.Tensor && a.Tensor is { } t => t.Floats is null && t.Int64s is null ? throw new ShapeException("value has no data") : t,
            "value_float" when a.Kind == AttributeKind.Float => TensorData.FromFloats("", [], [a.Float]),
            "value_floats" when a.Kind == AttributeKind.Floats => TensorData.FromFloats("", [a.Floats!.Length], a.Floats),
            "value_int" when a.Kind == AttributeKind.Int => TensorData.FromInt64s("", [], [a.Int]),
            "value_ints" when a.Kind == AttributeKind.Ints => TensorData.FromInt64s("", [a.Ints!.Length], a.Ints),
            _ => throw new ShapeException($"Constant attribute '{a.Name}' is not supported"),
        };
    }
}
