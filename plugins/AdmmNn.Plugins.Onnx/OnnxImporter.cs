using System.Text;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using AdmmNn.Plugins.Onnx.Validation;
using AttributeType = AdmmNn.Plugins.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace AdmmNn.Plugins.Onnx;

/// <summary>Maps a parsed <see cref="ModelProto"/> onto a <see cref="ModelGraph"/>, validating as it goes.</summary>
internal sealed class OnnxImporter(string? baseDirectory)
{
    private readonly ExternalDataReader? external = baseDirectory is null ? null : new ExternalDataReader(baseDirectory);
    private readonly SparseBudget sparseBudget = new();
    private int opset;

    internal ModelGraph Import(ModelProto model)
    {
        var graphProto = model.Graph ?? throw new ModelFormatException("the model has no graph (field 7 of ModelProto is missing; not an ONNX model?)");
        opset = DefaultOpset(model);
        if (graphProto.Node.Count > OnnxLimits.MaxNodes)
            throw new ModelFormatException($"the graph has {graphProto.Node.Count} nodes, more than the limit of {OnnxLimits.MaxNodes}");
        var graph = new ModelGraph
        {
            Name = graphProto.Name.Length > 0 ? graphProto.Name : "model",
            OpsetVersion = opset,
            IrVersion = model.IrVersion,
            ProducerName = model.ProducerName,
            ProducerVersion = model.ProducerVersion,
        };
        foreach (var entry in model.MetadataProps) graph.Metadata[entry.Key] = entry.Value;

        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in graphProto.Initializer)
        {
            var where = $"initializer '{tensor.Name}'";
            if (tensor.Name.Length == 0) throw new ModelFormatException("an initializer has no name");
            CheckName(tensor.Name, "initializer name");
            if (!defined.Add(tensor.Name)) throw new ModelFormatException($"{where} is defined twice");
            graph.Initializers.Add(OnnxTensors.Read(tensor, where, external));
        }
        foreach (var sparse in graphProto.SparseInitializer)
        {
            var dense = OnnxTensors.ReadSparse(sparse, "sparse initializer", external, sparseBudget);
            if (dense.Name.Length == 0) throw new ModelFormatException("a sparse initializer has no name");
            if (!defined.Add(dense.Name)) throw new ModelFormatException($"sparse initializer '{dense.Name}' is defined twice");
            graph.Initializers.Add(dense);
        }

        // Before IR version 4 initializers were listed as graph inputs too; only true inputs become ModelGraph inputs.
        foreach (var input in graphProto.Input)
        {
            if (defined.Contains(input.Name)) continue;
            if (input.Name.Length == 0) throw new ModelFormatException("a graph input has no name");
            CheckName(input.Name, "graph input name");
            var info = ReadValueInfo(input, "graph input");
            InputShapeValidator.Check(info);
            graph.Inputs.Add(info);
            defined.Add(input.Name);
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        for (int index = 0; index < graphProto.Node.Count; index++)
        {
            var node = ReadNode(graphProto.Node[index], index, nodeNames);
            foreach (var input in node.Inputs)
            {
                if (input.Length > 0 && !defined.Contains(input))
                    throw new ModelFormatException($"{Describe(node)}: input '{input}' is not produced by an earlier node, a graph input or an initializer");
            }
            foreach (var output in node.Outputs)
            {
                // ONNX graphs are in single-assignment form: a second producer of a name is a corrupt or invalid graph.
                if (output.Length > 0 && !defined.Add(output))
                    throw new ModelFormatException($"{Describe(node)}: output '{output}' is already produced by an earlier node, a graph input or an initializer");
            }
            graph.Nodes.Add(node);
        }

        foreach (var output in graphProto.Output)
        {
            CheckName(output.Name, "graph output name");
            if (!defined.Contains(output.Name))
                throw new ModelFormatException($"graph output '{output.Name}' is not produced by any node, input or initializer");
            graph.Outputs.Add(ReadValueInfo(output, "graph output"));
        }
        if (graph.Outputs.Count == 0) throw new ModelFormatException("the graph has no outputs");
        return graph;
    }

    private static int DefaultOpset(ModelProto model)
    {
        long? version = null;
        foreach (var import in model.OpsetImport)
            if (import.Domain is "" or "ai.onnx") version = import.Version;
        if (version is null)
            throw new ModelFormatException($"opset_import has no entry for the default ONNX domain (supported opsets: {OnnxFormat.MinOpset} to {OnnxFormat.MaxOpset})");
        if (version < OnnxFormat.MinOpset || version > OnnxFormat.MaxOpset)
            throw new ModelFormatException($"opset {version} is not supported (supported: {OnnxFormat.MinOpset} to {OnnxFormat.MaxOpset})");
        return (int)version.Value;
    }

    private GraphNode ReadNode(NodeProto proto, int index, HashSet<string> names)
    {
        if (proto.OpType.Length == 0) throw new ModelFormatException($"node #{index} ('{OnnxFormat.Printable(proto.Name)}') has no op_type");
        if (proto.Input.Count > OnnxLimits.MaxNodeValues || proto.Output.Count > OnnxLimits.MaxNodeValues)
            throw new ModelFormatException($"node #{index} has {proto.Input.Count} inputs and {proto.Output.Count} outputs; the limit is {OnnxLimits.MaxNodeValues} each");
        CheckName(proto.OpType, $"node #{index} op_type");
        CheckName(proto.Name, $"node #{index} name");
        CheckName(proto.Domain, $"node #{index} domain");
        foreach (var value in proto.Input.Concat(proto.Output)) CheckName(value, $"node #{index} ('{proto.Name}', {proto.OpType}) value name");
        foreach (var attribute in proto.Attribute) CheckName(attribute.Name, $"node #{index} ('{proto.Name}', {proto.OpType}) attribute name");
        var name = proto.Name;
        if (name.Length == 0 || names.Contains(name))
        {
            var stem = name.Length == 0 ? proto.OpType : name;
            name = $"{stem}_{index}";
            for (int suffix = 1; names.Contains(name); suffix++) name = $"{stem}_{index}_{suffix}";
        }
        names.Add(name);
        var node = new GraphNode
        {
            Name = name,
            OpType = proto.OpType,
            Domain = proto.Domain == "ai.onnx" ? "" : proto.Domain,
            Inputs = [.. proto.Input],
            Outputs = [.. proto.Output],
        };
        foreach (var attribute in proto.Attribute) node.Attributes.Add(ReadAttribute(attribute, node));
        ConstantNodeValidator.Check(node, Describe(node));
        SpatialAttributeValidator.Check(node, Describe(node));
        return node;
    }

    private NodeAttribute ReadAttribute(AttributeProto proto, GraphNode node)
    {
        var where = $"{Describe(node)}: attribute '{proto.Name}'";
        if (proto.HasRefAttrName) throw new ModelFormatException($"{where} refers to a function attribute ('{proto.RefAttrName}'); functions are not supported");
        var type = proto.HasType && proto.Type != AttributeType.Undefined ? proto.Type : InferType(proto);
        var attribute = new NodeAttribute { Name = proto.Name };
        switch (type)
        {
            case AttributeType.Float: attribute.Kind = AttributeKind.Float; attribute.Float = proto.F; break;
            case AttributeType.Int: attribute.Kind = AttributeKind.Int; attribute.Int = proto.I; break;
            case AttributeType.String: attribute.Kind = AttributeKind.String; attribute.String = Utf8(proto.S.Span); break;
            case AttributeType.Floats: attribute.Kind = AttributeKind.Floats; attribute.Floats = [.. proto.Floats]; break;
            case AttributeType.Ints: attribute.Kind = AttributeKind.Ints; attribute.Ints = [.. proto.Ints]; break;
            case AttributeType.Strings: attribute.Kind = AttributeKind.Strings; attribute.Strings = [.. proto.Strings.Select(s => Utf8(s.Span))]; break;
            case AttributeType.Tensor:
                attribute.Kind = AttributeKind.Tensor;
                attribute.Tensor = OnnxTensors.Read(proto.T ?? throw new ModelFormatException($"{where}: TENSOR attribute has no tensor"), where, external);
                break;
            case AttributeType.SparseTensor:
                attribute.Kind = AttributeKind.Tensor;
                attribute.Tensor = OnnxTensors.ReadSparse(proto.SparseTensor ?? throw new ModelFormatException($"{where}: SPARSE_TENSOR attribute has no tensor"), where, external, sparseBudget);
                break;
            default:
                throw new ModelFormatException($"{where} has type {type.ToString().ToUpperInvariant()}, which is not supported (supported: FLOAT, INT, STRING, TENSOR, SPARSE_TENSOR, FLOATS, INTS, STRINGS)");
        }
        return attribute;
    }

    // Files written before IR version 2 may leave 'type' unset; the one populated field tells.
    private static AttributeType InferType(AttributeProto proto) =>
        proto.Floats.Count > 0 ? AttributeType.Floats
        : proto.Ints.Count > 0 ? AttributeType.Ints
        : proto.Strings.Count > 0 ? AttributeType.Strings
        : proto.Tensors.Count > 0 ? AttributeType.Tensors
        : proto.Graphs.Count > 0 ? AttributeType.Graphs
        : proto.T is not null ? AttributeType.Tensor
        : proto.G is not null ? AttributeType.Graph
        : proto.SparseTensor is not null ? AttributeType.SparseTensor
        : proto.HasS ? AttributeType.String
        : proto.HasI ? AttributeType.Int
        : proto.HasF ? AttributeType.Float
        : AttributeType.Undefined;

    private static ValueInfo ReadValueInfo(ValueInfoProto proto, string role)
    {
        var where = $"{role} '{proto.Name}'";
        if (proto.Type is null) return new ValueInfo(proto.Name, ElementType.Undefined, []);
        var tensorType = proto.Type.TensorType
            ?? throw new ModelFormatException($"{where}: only tensor types are supported (not sequences, maps or optionals)");
        var elementType = tensorType.ElemType;
        if (elementType != 0 && !OnnxElementTypes.IsSupported(elementType))
            throw new ModelFormatException($"{where}: data type {OnnxElementTypes.NameOf(elementType)} is not supported (supported: {OnnxElementTypes.SupportedList})");
        var dims = tensorType.Shape?.Dim ?? [];
        if (dims.Count > OnnxLimits.MaxRank) throw new ModelFormatException($"{where}: rank {dims.Count} exceeds the limit of {OnnxLimits.MaxRank}");
        var values = new long[dims.Count];
        var symbols = new string?[dims.Count];
        bool anySymbol = false;
        for (int i = 0; i < dims.Count; i++)
        {
            var dim = dims[i];
            if (dim.HasDimValue)
            {
                if (dim.DimValue < 0) throw new ModelFormatException($"{where}: dimension {i} is negative ({dim.DimValue})");
                values[i] = dim.DimValue;
            }
            else
            {
                values[i] = -1;
                symbols[i] = dim.HasDimParam ? dim.DimParam : null;
                anySymbol |= symbols[i] is not null;
            }
        }
        return new ValueInfo(proto.Name, OnnxElementTypes.ToElementType(elementType), values, anySymbol ? symbols : null);
    }

    /// <summary>Names never hold control characters; one that does comes from a corrupt file (and would break one-line messages).</summary>
    private static void CheckName(string name, string what)
    {
        if (name.Any(char.IsControl))
            throw new ModelFormatException($"{what} '{OnnxFormat.Printable(name)}' contains control characters (corrupt file?)");
    }

    private string Describe(GraphNode node) => $"node '{node.Name}' ({node.OpType}, opset {opset})";

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
