using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression.Purification;

/// <summary>
/// One pass over a graph in topological order: the channel groups (<see cref="ChannelGroup"/>), and per tensor and
/// channel the constant that channel carries when the filter making it is empty (its bias, through BatchNorm's affine
/// map and ReLU), or NaN when it varies with the input. Ops it does not know pin the channels they read.
/// </summary>
internal sealed class ChannelAnalysis
{
    private readonly ModelGraph _graph;
    private readonly double _tolerance;
    private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GraphNode> _producer = new(StringComparer.Ordinal);
    private readonly List<(string Tensor, GraphNode Node, bool Consumer)> _members = [];
    private readonly HashSet<string> _pinned = new(StringComparer.Ordinal);

    public ChannelAnalysis(ModelGraph graph, double relativeTolerance)
    {
        _graph = graph;
        _tolerance = relativeTolerance;
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
                _uses[input] = _uses.GetValueOrDefault(input) + 1;
        foreach (var output in graph.Outputs) _uses[output.Name] = _uses.GetValueOrDefault(output.Name) + 1;
        foreach (var node in graph.Nodes) Visit(node);
        foreach (var output in graph.Outputs) _pinned.Add(output.Name);
        Groups = BuildGroups();
    }

    /// <summary>Channel groups, pinned ones included.</summary>
    public IReadOnlyList<ChannelGroup> Groups { get; }

    /// <summary>Per tensor (in a group): the constant each channel carries, NaN where it varies.</summary>
    public Dictionary<string, double[]> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>The group of a tensor, or null.</summary>
    public ChannelGroup? GroupOf(string tensor) => _groupOf.GetValueOrDefault(tensor);

    private readonly Dictionary<string, ChannelGroup> _groupOf = new(StringComparer.Ordinal);

    /// <summary>True when every weight of filter <paramref name="filter"/> of a Conv weight is empty.</summary>
    public bool FilterEmpty(TensorData weight, int filter)
    {
        var w = weight.Floats!;
        var size = w.Length / (int)weight.Dims[0];
        var limit = Limit(weight);
        for (var i = filter * size; i < (filter + 1) * size; i++) if (Math.Abs(w[i]) > limit) return false;
        return true;
    }

    /// <summary>True when every weight of <paramref name="layer"/> (Conv or Gemm) reading input channel <paramref name="channel"/> is empty.</summary>
    public bool InputEmpty(GraphNode layer, int channel)
    {
        var weight = _graph.Initializer(layer.Inputs[1])!;
        var w = weight.Floats!;
        var limit = Limit(weight);
        if (layer.OpType == "Gemm" && !TransB(layer))
        {
            var n = (int)weight.Dims[1];
            for (var j = 0; j < n; j++) if (Math.Abs(w[channel * n + j]) > limit) return false;
            return true;
        }
        int rows = (int)weight.Dims[0], cols = (int)weight.Dims[1], inner = w.Length / (rows * cols);
        for (var o = 0; o < rows; o++)
            for (var i = 0; i < inner; i++)
                if (Math.Abs(w[(o * cols + channel) * inner + i]) > limit) return false;
        return true;
    }

    /// <summary>True when <paramref name="conv"/> reads no padding (a constant input channel then adds a constant to each output).</summary>
    public static bool Unpadded(GraphNode conv) =>
        conv.OpType == "Gemm" ||
        ((conv.Attribute("auto_pad")?.String ?? "NOTSET") is "NOTSET" or "VALID" && (conv.Attribute("pads")?.Ints ?? []).All(p => p == 0));

    public static bool TransB(GraphNode gemm) => gemm.Attribute("transB")?.Int == 1;

    private float Limit(TensorData weight)
    {
        if (_tolerance <= 0) return 0f;
        var max = 0f;
        foreach (var v in weight.Floats!) max = Math.Max(max, Math.Abs(v));
        return (float)(_tolerance * max);
    }

    private void Visit(GraphNode node)
    {
        switch (node.OpType)
        {
            case "Conv" when ConvOk(node):
                VisitConv(node);
                return;
            case "BatchNormalization" when BatchNormOk(node):
                ChannelWise(node, c => BatchNormConstant(node, c));
                return;
            case "Relu":
                ChannelWise(node, c => (k, v) => Math.Max(0, v));
                return;
            case "MaxPool" or "GlobalAveragePool" or "GlobalMaxPool" or "Identity" when node.Outputs.Count(o => o.Length > 0) == 1:
                ChannelWise(node, c => (k, v) => v);
                return;
            case "AveragePool" when node.Outputs.Count == 1:
                // A padded average that counts the padding mixes zeros into the border windows: only 0 stays constant.
                var mixes = node.Attribute("count_include_pad")?.Int == 1 && !Unpadded(node);
                ChannelWise(node, c => (k, v) => mixes && v != 0 ? double.NaN : v);
                return;
            case "Flatten" when (node.Attribute("axis")?.Int ?? 1) == 1 && _producer.TryGetValue(node.Inputs[0], out var pool) && pool.OpType is "GlobalAveragePool" or "GlobalMaxPool":
                ChannelWise(node, c => (k, v) => v);
                return;
            case "Add" when node.Inputs.Count == 2 && node.Inputs.All(i => _channels.ContainsKey(i)) && _channels[node.Inputs[0]] == _channels[node.Inputs[1]]:
                VisitAdd(node);
                return;
            case "Gemm" when GemmOk(node):
                Consume(node);
                return;
            default:
                foreach (var input in node.Inputs) _pinned.Add(input);
                return;
        }
    }

    private bool Exclusive(string name) => name.Length > 0 && _graph.Initializer(name) is { Floats: not null } && _uses.GetValueOrDefault(name) == 1;

    private bool ConvOk(GraphNode node) =>
        node.Inputs.Count >= 2 && node.Outputs.Count == 1 && _graph.Initializer(node.Inputs[0]) is null && Exclusive(node.Inputs[1])
        && _graph.Initializer(node.Inputs[1])!.Dims.Length >= 3 && (node.Attribute("group")?.Int ?? 1) == 1
        && (node.Inputs.Count < 3 || node.Inputs[2].Length == 0 || (Exclusive(node.Inputs[2]) && _graph.Initializer(node.Inputs[2])!.Dims.Length == 1));

    private bool BatchNormOk(GraphNode node) =>
        node.Inputs.Count == 5 && node.Outputs.Count(o => o.Length > 0) == 1 && node.Outputs[0].Length > 0
        && _channels.TryGetValue(node.Inputs[0], out var c)
        && node.Inputs.Skip(1).All(i => Exclusive(i) && _graph.Initializer(i)!.ElementCount == c);

    private bool GemmOk(GraphNode node)
    {
        if (node.Inputs.Count < 2 || !_channels.TryGetValue(node.Inputs[0], out var features) || !Exclusive(node.Inputs[1])) return false;
        if (node.Attribute("transA")?.Int == 1 || (node.Attribute("alpha")?.Float ?? 1f) != 1f || (node.Attribute("beta")?.Float ?? 1f) != 1f) return false;
        var w = _graph.Initializer(node.Inputs[1])!;
        if (w.Dims.Length != 2 || w.Dims[TransB(node) ? 1 : 0] != features) return false;
        var n = w.Dims[TransB(node) ? 0 : 1];
        return node.Inputs.Count < 3 || node.Inputs[2].Length == 0 || (Exclusive(node.Inputs[2]) && _graph.Initializer(node.Inputs[2]) is { Dims.Length: 1 } b && b.Dims[0] == n);
    }

    private void VisitConv(GraphNode node)
    {
        var weight = _graph.Initializer(node.Inputs[1])!;
        if (_channels.TryGetValue(node.Inputs[0], out var cin) && cin == weight.Dims[1]) Consume(node);
        else _pinned.Add(node.Inputs[0]);
        var output = node.Outputs[0];
        var filters = (int)weight.Dims[0];
        var bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? _graph.Initializer(node.Inputs[2])!.Floats : null;
        var constants = new double[filters];
        for (var o = 0; o < filters; o++) constants[o] = FilterEmpty(weight, o) ? bias?[o] ?? 0 : double.NaN;
        _channels[output] = filters;
        _producer[output] = node;
        Constants[output] = constants;
        _members.Add((output, node, false));
    }

    private void Consume(GraphNode node) => _members.Add((node.Inputs[0], node, true));

    private void ChannelWise(GraphNode node, Func<int, Func<int, double, double>> map)
    {
        var input = node.Inputs[0];
        if (!_channels.TryGetValue(input, out var c))
        {
            foreach (var i in node.Inputs) _pinned.Add(i);
            return;
        }
        var output = node.Outputs[0];
        _channels[output] = c;
        _producer[output] = node;
        var f = map(c);
        Constants[output] = Constants[input].Select((v, k) => double.IsNaN(v) ? double.NaN : f(k, v)).ToArray();
        Union(input, output);
        if (node.OpType == "BatchNormalization") _members.Add((output, node, false));
    }

    private Func<int, double, double> BatchNormConstant(GraphNode node, int channels)
    {
        var scale = _graph.Initializer(node.Inputs[1])!.Floats!;
        var shift = _graph.Initializer(node.Inputs[2])!.Floats!;
        var mean = _graph.Initializer(node.Inputs[3])!.Floats!;
        var variance = _graph.Initializer(node.Inputs[4])!.Floats!;
        var epsilon = node.Attribute("epsilon")?.Float ?? 1e-5f;
        return (k, v) => scale[k] * (v - mean[k]) / Math.Sqrt(variance[k] + (double)epsilon) + shift[k];
    }

    private void VisitAdd(GraphNode node)
    {
        var (a, b) = (node.Inputs[0], node.Inputs[1]);
        var output = node.Outputs[0];
        _channels[output] = _channels[a];
        _producer[output] = node;
        Constants[output] = Constants[a].Zip(Constants[b], (x, y) => x + y).ToArray();
        Union(a, output);
        Union(b, output);
    }

    private string Find(string t)
    {
        while (_parent.TryGetValue(t, out var p) && p != t) t = p;
        return t;
    }

    private void Union(string a, string b)
    {
        var (ra, rb) = (Find(a), Find(b));
        if (ra != rb) _parent[rb] = ra;
    }

    private List<ChannelGroup> BuildGroups()
    {
        var byRoot = new Dictionary<string, ChannelGroup>(StringComparer.Ordinal);
        foreach (var tensor in _channels.Keys)
        {
            var root = Find(tensor);
            if (!byRoot.TryGetValue(root, out var group)) byRoot[root] = group = new ChannelGroup(_channels[root]);
            group.Tensors.Add(tensor);
            _groupOf[tensor] = group;
            if (_pinned.Contains(tensor)) group.Pinned = true;
            // A group every tensor of which is not made by a Conv (only channel-wise ops over a model input) has no filters to remove.
            if (_producer.GetValueOrDefault(tensor) is null) group.Pinned = true;
        }
        foreach (var (tensor, node, consumer) in _members)
        {
            if (!_groupOf.TryGetValue(tensor, out var group)) continue;
            if (consumer) group.Consumers.Add(node);
            else if (node.OpType == "Conv") group.Producers.Add(node);
            else group.BatchNorms.Add(node);
        }
        foreach (var group in byRoot.Values.Where(g => g.Producers.Count == 0)) group.Pinned = true;
        return [.. byRoot.Values];
    }
}
