namespace AdmmNn.Abstractions.Models;

/// <summary>
/// A format-neutral model: a topologically ordered list of ONNX-semantics nodes over named values,
/// with constant tensors as initializers. Model formats read and write it; the engine trains it; the
/// compressor rewrites its initializers.
/// </summary>
public sealed class ModelGraph
{
    /// <summary>Graph name.</summary>
    public string Name { get; set; } = "model";

    /// <summary>The default-domain opset the nodes follow.</summary>
    public int OpsetVersion { get; set; } = 17;

    /// <summary>ONNX IR version to write, where the format has one.</summary>
    public long IrVersion { get; set; } = 8;

    /// <summary>Who produced the model.</summary>
    public string ProducerName { get; set; } = "";

    /// <summary>Producer version.</summary>
    public string ProducerVersion { get; set; } = "";

    /// <summary>Graph inputs that are not initializers.</summary>
    public List<ValueInfo> Inputs { get; set; } = [];

    /// <summary>Graph outputs.</summary>
    public List<ValueInfo> Outputs { get; set; } = [];

    /// <summary>Nodes in topological order.</summary>
    public List<GraphNode> Nodes { get; set; } = [];

    /// <summary>Constant tensors (weights, biases, shapes), by unique name.</summary>
    public List<TensorData> Initializers { get; set; } = [];

    /// <summary>Free-form key/value metadata (ONNX <c>metadata_props</c>); compression facts go here.</summary>
    public Dictionary<string, string> Metadata { get; set; } = [];

    /// <summary>The initializer with this name, or null.</summary>
    public TensorData? Initializer(string name) => Initializers.Find(t => t.Name == name);

    /// <summary>
    /// What a rewrite of this graph starts from: the same name, opset, IR version, producer, inputs, outputs and metadata
    /// (the lists and the metadata copied, so the two graphs can change apart), with <paramref name="nodes"/> and no
    /// initializers.
    /// </summary>
    public ModelGraph WithNodes(List<GraphNode> nodes) => new()
    {
        Name = Name,
        OpsetVersion = OpsetVersion,
        IrVersion = IrVersion,
        ProducerName = ProducerName,
        ProducerVersion = ProducerVersion,
        Inputs = [.. Inputs],
        Outputs = [.. Outputs],
        Nodes = nodes,
        Metadata = new Dictionary<string, string>(Metadata),
    };
}
