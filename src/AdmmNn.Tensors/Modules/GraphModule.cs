using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Ops;

namespace AdmmNn.Tensors.Modules;

/// <summary>
/// A <see cref="ModelGraph"/> compiled for execution and training: every float initializer consumed where a gradient
/// can flow is a <see cref="Parameter"/>; BatchNormalization statistics are buffers. Forward passes record a tape
/// that <see cref="Backward(Tensor)"/> replays. Not thread-safe: one module runs one pass at a time (it uses both
/// cores inside ops).
/// </summary>
public sealed class GraphModule
{
    private readonly ModelGraph _graph;
    private readonly NodeOp[] _ops;
    private readonly Dictionary<string, int> _ids;
    private readonly int[] _inputIds;
    private readonly int[] _outputIds;
    private readonly ExecutionState _state;
    private readonly Tape _tape = new();
    private readonly Dictionary<string, Tensor> _buffers;
    private readonly bool[] _isParameter;
    private bool _inputGradients;
    private bool _needsGradDirty = true;
    private int _dropoutSeed;
    private EvalStep[]? _evalSteps;
    private bool _evalStepsBuilt;
    private bool _lastPassFused;

    private GraphModule(ModelGraph graph)
    {
        _graph = graph;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string name)
        {
            if (!_ids.TryGetValue(name, out int id))
            {
                id = _ids.Count;
                _ids[name] = id;
            }

            return id;
        }

        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var constants = new Dictionary<string, TensorData>(initializers, StringComparer.Ordinal);
        foreach (var node in graph.Nodes.Where(n => n.OpType == "Constant" && n.Domain is "" or "ai.onnx" && n.Outputs.Count > 0))
        {
            constants[node.Outputs[0]] = ConstantOp.Read(node, graph.OpsetVersion);
        }

        var realInputs = graph.Inputs.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        InputNames = realInputs.Select(i => i.Name).ToArray();
        OutputNames = graph.Outputs.Select(o => o.Name).ToArray();
        _inputIds = InputNames.Select(Id).ToArray();
        foreach (var t in graph.Initializers)
        {
            Id(t.Name);
            if (t.Dims.Any(d => d < 0 || d > int.MaxValue) || (t.Floats?.Length ?? t.Int64s?.Length ?? 0) != t.ElementCount)
            {
                throw new InvalidModelException($"Initializer '{t.Name}': dims [{string.Join(",", t.Dims)}] do not match its {t.Floats?.Length ?? t.Int64s?.Length ?? 0} values.");
            }
        }

        var context = new OpCompileContext(graph.OpsetVersion, Id, name => constants.GetValueOrDefault(name), initializers.ContainsKey);
        // One error for every unsupported node, not just the first: a user fixes the model (or waits for the ops) once.
        var unsupported = graph.Nodes.Where(n => (n.Domain is "" or "ai.onnx" ? OpRegistry.Find(n.OpType) : null) is null).ToList();
        if (unsupported.Count > 0)
        {
            string Describe(GraphNode n) => $"'{n.Name}' ({(n.Domain is "" ? "" : $"domain '{n.Domain}', ")}{n.OpType})";
            string first = unsupported.Count == 1
                ? $"Node {Describe(unsupported[0])} uses an op"
                : $"{unsupported.Count} nodes use ops";
            throw new UnsupportedModelException(
                $"{first} the engine does not support (opset {graph.OpsetVersion}): {string.Join(", ", unsupported.Select(Describe))}. Supported ops: {string.Join(", ", OpRegistry.Supported)}.");
        }

        _ops = new NodeOp[graph.Nodes.Count];
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            var factory = OpRegistry.Find(node.OpType)!;

            OpRegistry.CheckArity(node, graph.OpsetVersion);
            try
            {
                _ops[i] = factory(node, context);
            }
            catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or OverflowException or InvalidCastException)
            {
                throw new InvalidModelException($"Node '{node.Name}' ({node.OpType}, opset {graph.OpsetVersion}): {ex.Message}");
            }
        }

        _outputIds = OutputNames.Select(name => _ids.TryGetValue(name, out int id) ? id
            : throw new InvalidModelException($"Graph output '{name}' is produced by no node.")).ToArray();
        _state = new ExecutionState(_ids.Count);
        _state.Names = _ids.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
        _isParameter = new bool[_ids.Count];

        // Classify initializers: trainable parameters (first differentiable consumer decides the role) or buffers.
        var parameters = new List<Parameter>();
        _buffers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var init in graph.Initializers)
        {
            int id = _ids[init.Name];
            var value = ConstantOp.ToTensor(init);
            _state.Values[id] = value;
            if (init.ElementType is not (ElementType.Float32 or ElementType.Float64))
            {
                continue;
            }

            (NodeOp Op, int Index)? consumer = null;
            bool statistic = false;
            foreach (var op in _ops)
            {
                for (int k = 0; k < op.In.Length; k++)
                {
                    if (op.In[k] != id)
                    {
                        continue;
                    }

                    if (op.IsDifferentiableInput(k))
                    {
                        consumer ??= (op, k);
                    }
                    else if (op is BatchNormOp)
                    {
                        statistic = true;
                    }
                }
            }

            if (consumer is { } c)
            {
                var p = new Parameter(init.Name, value, RoleOf(c.Op, c.Index), c.Op.Node.OpType, c.Op.Node.Name);
                parameters.Add(p);
                _state.Grads[id] = p.Grad;
                _isParameter[id] = true;
            }
            else if (statistic)
            {
                _buffers[init.Name] = value;
            }
        }

        Parameters = parameters;
        for (int i = 0; i < _ids.Count; i++)
        {
            _state.OwnsGrad[i] = !_isParameter[i];
        }
    }

    /// <summary>Compiles <paramref name="graph"/>; the graph itself is not modified (weights are copied).</summary>
    /// <exception cref="UnsupportedModelException">A node's op type or form is not supported.</exception>
    /// <exception cref="InvalidModelException">The graph is inconsistent.</exception>
    public static GraphModule FromGraph(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return new GraphModule(graph);
    }

    /// <summary>Trainable tensors, in initializer order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Non-trainable state written back by <see cref="ToGraph"/> (BatchNormalization running mean and variance).</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>Names of the graph inputs that are not initializers.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Names of the graph outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// Training mode: BatchNormalization uses batch statistics (and updates the running ones); Dropout is active.
    /// Out of it (and without <see cref="InputGradients"/>) the forward pass folds BatchNorm into the preceding
    /// convolution and fuses residual Adds and Relu/Clip into the convolution's output; a <see cref="Backward(Tensor)"/>
    /// after such a pass first replays it unfused.
    /// </summary>
    public bool Training { get; set; }

    /// <summary>When true, backward also computes gradients with respect to the graph inputs (see <see cref="InputGradient"/>).</summary>
    public bool InputGradients
    {
        get => _inputGradients;
        set
        {
            _inputGradients = value;
            _needsGradDirty = true;
        }
    }

    /// <summary>Seed of the dropout masks; setting it restarts the mask sequence.</summary>
    public int DropoutSeed
    {
        get => _dropoutSeed;
        set
        {
            _dropoutSeed = value;
            _state.DropoutRandom = new Random(value);
        }
    }

    /// <summary>The parameter named <paramref name="name"/>, or null.</summary>
    public Parameter? Parameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// Runs a single-input, single-output graph and returns a copy of the output. In any mode the pass is recorded,
    /// so <see cref="Backward(Tensor)"/> may follow.
    /// </summary>
    public Tensor Forward(Tensor input) => ForwardShared(input).Clone();

    /// <summary>Runs the graph on named inputs and returns copies of all outputs.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < _inputIds.Length; i++)
        {
            if (!inputs.TryGetValue(InputNames[i], out var t))
            {
                throw new ArgumentException($"Input '{InputNames[i]}' is missing (the graph needs {string.Join(", ", InputNames)}).", nameof(inputs));
            }

            SetInput(i, t);
        }

        Execute();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < _outputIds.Length; i++)
        {
            result[OutputNames[i]] = _state.Value(_outputIds[i]).Clone();
        }

        return result;
    }

    /// <summary>
    /// Backpropagates <paramref name="outputGradient"/> (same shape as the single output) through the last forward
    /// pass, adding into every <see cref="Parameter.Grad"/>.
    /// </summary>
    public void Backward(Tensor outputGradient)
    {
        RequireSingle();
        Backward(new Dictionary<string, Tensor> { [OutputNames[0]] = outputGradient });
    }

    /// <summary>Backpropagates gradients of any subset of outputs through the last forward pass.</summary>
    public void Backward(IReadOnlyDictionary<string, Tensor> outputGradients)
    {
        ArgumentNullException.ThrowIfNull(outputGradients);
        if (_lastPassFused)
        {
            // The fused evaluation pass recorded nothing and skipped intermediate values: replay it op by op.
            Execute(allowFusion: false);
        }

        _state.PrepareGradients();
        foreach (var (name, grad) in outputGradients)
        {
            int index = Array.IndexOf(OutputNames.ToArray(), name);
            if (index < 0)
            {
                throw new ArgumentException($"'{name}' is not a graph output.", nameof(outputGradients));
            }

            int id = _outputIds[index];
            var value = _state.Value(id);
            if (!grad.HasShape(value.Shape))
            {
                throw new ArgumentException($"Gradient of '{name}' has shape {grad.ShapeText} but the output has {value.ShapeText}.", nameof(outputGradients));
            }

            if (_state.Grads[id] is { } g && _state.NeedsGrad[id])
            {
                grad.AsSpan().CopyTo(g.AsSpan());
            }
        }

        _tape.Backward(_state);
    }

    /// <summary>Sets every parameter gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
        {
            p.Grad.Clear();
        }
    }

    /// <summary>Gradient with respect to graph input <paramref name="name"/> after a backward pass (needs <see cref="InputGradients"/>).</summary>
    public Tensor? InputGradient(string name) =>
        _inputGradients && _ids.TryGetValue(name, out int id) ? _state.Grads[id] : null;

    /// <summary>A copy of the source graph with the current parameter and buffer values as initializers.</summary>
    public ModelGraph ToGraph()
    {
        var g = _graph.WithNodes(_graph.Nodes.Select(CopyNode).ToList());
        foreach (var init in _graph.Initializers)
        {
            var copy = new TensorData
            {
                Name = init.Name,
                Dims = (long[])init.Dims.Clone(),
                ElementType = init.ElementType,
                Floats = (float[]?)init.Floats?.Clone(),
                Int64s = (long[]?)init.Int64s?.Clone(),
            };
            int id = _ids[init.Name];
            if (_isParameter[id] || _buffers.ContainsKey(init.Name))
            {
                copy.Floats = _state.Value(id).ToArray();
            }

            g.Initializers.Add(copy);
        }

        return g;
    }

    /// <summary>The forward pass without copying the output (valid until the next pass). For the trainer.</summary>
    internal Tensor ForwardShared(Tensor input)
    {
        RequireSingle();
        SetInput(0, input);
        Execute();
        return _state.Value(_outputIds[0]);
    }

    private void RequireSingle()
    {
        if (_inputIds.Length != 1 || _outputIds.Length != 1)
        {
            throw new InvalidOperationException($"Forward needs a graph with one input and one output; this one has {_inputIds.Length} and {_outputIds.Length} (use Run).");
        }
    }

    private void SetInput(int index, Tensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var info = _graph.Inputs.First(i => i.Name == InputNames[index]);
        bool ok = info.Dims.Length == 0 || info.Dims.Length == t.Rank;
        for (int d = 0; ok && d < info.Dims.Length; d++)
        {
            ok = info.Dims[d] < 0 || info.Dims[d] == t.Shape[d];
        }

        if (!ok)
        {
            throw new ArgumentException($"Input '{info.Name}' has shape {t.ShapeText} but the model expects [{string.Join(",", info.Dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}].");
        }

        _state.Values[_inputIds[index]] = t;
    }

    /// <summary>
    /// The evaluation-mode schedule (BatchNorm folded into convolutions, bias/residual/activation fused into their
    /// output), or null when nothing fuses. Built on first use.
    /// </summary>
    internal EvalStep[]? EvalSteps
    {
        get
        {
            if (!_evalStepsBuilt)
            {
                _evalSteps = EvalFusion.Build(_ops, _ids.Count, _outputIds);
                _evalStepsBuilt = true;
            }

            return _evalSteps;
        }
    }

    /// <summary>The fused evaluation schedule, step by step.</summary>
    private void RunEvalSteps(EvalStep[] steps)
    {
        foreach (var step in steps)
        {
            try
            {
                if (step.Chain is { } chain)
                {
                    chain.Forward(_state);
                }
                else
                {
                    step.Op.Forward(_state);
                }
            }
            catch (Exception ex) when (IsShapeFault(ex))
            {
                throw CannotRun(step.Op, ex);
            }
        }
    }

    private void Execute(bool allowFusion = true)
    {
        if (_needsGradDirty)
        {
            ComputeNeedsGrad();
        }

        _state.Training = Training;
        _tape.Clear();
        _lastPassFused = false;
        if (allowFusion && !Training && !_inputGradients && EvalSteps is { } steps)
        {
            _state.ValuesOnly = true;
            try
            {
                RunEvalSteps(steps);
            }
            finally
            {
                _state.ValuesOnly = false;
            }

            _lastPassFused = true;
            return;
        }

        foreach (var op in _ops)
        {
            try
            {
                op.Forward(_state);
            }
            catch (Exception ex) when (IsShapeFault(ex))
            {
                throw CannotRun(op, ex);
            }

            _tape.Record(op);
        }
    }

    private static bool IsShapeFault(Exception ex) => ex is IndexOutOfRangeException or OverflowException or ArgumentOutOfRangeException;

    /// <summary>Malformed graphs (e.g. shapes that disagree with attributes) surface as a model error naming the node.</summary>
    private static InvalidModelException CannotRun(NodeOp op, Exception ex) =>
        new($"Node '{op.Node.Name}' ({op.Node.OpType}): cannot run on these inputs: {ex.Message}");

    private void ComputeNeedsGrad()
    {
        Array.Clear(_state.NeedsGrad);
        for (int i = 0; i < _isParameter.Length; i++)
        {
            _state.NeedsGrad[i] = _isParameter[i];
        }

        if (_inputGradients)
        {
            foreach (int id in _inputIds)
            {
                _state.NeedsGrad[id] = true;
            }
        }

        foreach (var op in _ops)
        {
            bool any = false;
            for (int k = 0; k < op.In.Length; k++)
            {
                any |= op.In[k] >= 0 && op.IsDifferentiableInput(k) && _state.NeedsGrad[op.In[k]];
            }

            foreach (int o in op.Out)
            {
                if (o >= 0)
                {
                    _state.NeedsGrad[o] = any;
                }
            }
        }

        _needsGradDirty = false;
    }

    private static ParameterRole RoleOf(NodeOp op, int index) => (op.Node.OpType, index) switch
    {
        ("Conv" or "Gemm", 1) => ParameterRole.Weight,
        ("Conv" or "Gemm", 2) => ParameterRole.Bias,
        ("MatMul", _) => ParameterRole.Weight,
        ("BatchNormalization", _) => ParameterRole.Normalization,
        ("Add", _) => ParameterRole.Bias,
        _ => ParameterRole.Other,
    };

    private static GraphNode CopyNode(GraphNode n) => new()
    {
        Name = n.Name,
        OpType = n.OpType,
        Domain = n.Domain,
        Inputs = [.. n.Inputs],
        Outputs = [.. n.Outputs],
        Attributes = n.Attributes.Select(a => new NodeAttribute
        {
            Name = a.Name,
            Kind = a.Kind,
            Float = a.Float,
            Int = a.Int,
            String = a.String,
            Tensor = a.Tensor,
            Floats = (float[]?)a.Floats?.Clone(),
            Ints = (long[]?)a.Ints?.Clone(),
            Strings = (string[]?)a.Strings?.Clone(),
        }).ToList(),
    };
}
