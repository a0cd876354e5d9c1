namespace AdmmNn.Abstractions.Models;

/// <summary>One operator application. Op types and attributes follow ONNX semantics (default domain).</summary>
public sealed class GraphNode
{
    /// <summary>Node name; unique within the graph (the importer names unnamed nodes).</summary>
    public string Name { get; set; } = "";

    /// <summary>ONNX op type, e.g. <c>Conv</c>, <c>Gemm</c>, <c>Relu</c>.</summary>
    public string OpType { get; set; } = "";

    /// <summary>Operator domain; empty for the default ONNX domain.</summary>
    public string Domain { get; set; } = "";

    /// <summary>Input value names; an empty string marks an omitted optional input.</summary>
    public List<string> Inputs { get; set; } = [];

    /// <summary>Output value names.</summary>
    public List<string> Outputs { get; set; } = [];

    /// <summary>Attributes by name.</summary>
    public List<NodeAttribute> Attributes { get; set; } = [];

    /// <summary>The attribute with this name, or null.</summary>
    public NodeAttribute? Attribute(string name) => Attributes.Find(a => a.Name == name);
}
