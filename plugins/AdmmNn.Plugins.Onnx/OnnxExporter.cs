using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;
using AttributeType = AdmmNn.Plugins.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace AdmmNn.Plugins.Onnx;

/// <summary>Maps a <see cref="ModelGraph"/> onto a <see cref="ModelProto"/> that ONNX Runtime loads.</summary>
internal static class OnnxExporter
{
    /// <summary>The producer name written when the graph has none.</summary>
    internal const string DefaultProducer = "AdmmNn";

    internal static ModelProto Export(ModelGraph graph)
    {
        if (graph.OpsetVersion < OnnxFormat.MinOpset || graph.OpsetVersion > OnnxFormat.MaxOpset)
            throw new ModelFormatException($"cannot write opset {graph.OpsetVersion} (supported: {OnnxFormat.MinOpset} to {OnnxFormat.MaxOpset})");
        var model = new ModelProto
        {
            // opset_import needs IR version 3 or later.
            IrVersion = Math.Max(3, graph.IrVersion),
            ProducerName = graph.ProducerName.Length > 0 ? graph.ProducerName : DefaultProducer,
            ProducerVersion = graph.ProducerVersion,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = graph.OpsetVersion });
        foreach (var domain in graph.Nodes.Select(n => n.Domain).Where(d => d.Length > 0).Distinct(StringComparer.Ordinal))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 1 });
        foreach (var (key, value) in graph.Metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

        var g = new GraphProto { Name = graph.Name };
        foreach (var input in graph.Inputs) g.Input.Add(WriteValueInfo(input));
        // Before IR version 4 every initializer had to be listed as a graph input as well.
        if (model.IrVersion < 4)
        {
            foreach (var tensor in graph.Initializers)
                g.Input.Add(WriteValueInfo(new ValueInfo(tensor.Name, tensor.ElementType, tensor.Dims)));
        }
        foreach (var output in graph.Outputs) g.Output.Add(WriteValueInfo(output));
        foreach (var tensor in graph.Initializers) g.Initializer.Add(OnnxTensors.Write(tensor, $"initializer '{tensor.Name}'"));
        foreach (var node in graph.Nodes) g.Node.Add(WriteNode(node));
        model.Graph = g;
        return model;
    }

    private static NodeProto WriteNode(GraphNode node)
    {
        var proto = new NodeProto { Name = node.Name, OpType = node.OpType };
        if (node.Domain.Length > 0) proto.Domain = node.Domain;
        proto.Input.AddRange(node.Inputs);
        proto.Output.AddRange(node.Outputs);
        foreach (var attribute in node.Attributes) proto.Attribute.Add(WriteAttribute(attribute, node));
        return proto;
    }

    private static AttributeProto WriteAttribute(NodeAttribute attribute, GraphNode node)
    {
        var where = $"node '{node.Name}' ({node.OpType}): attribute '{attribute.Name}'";
        var proto = new AttributeProto { Name = attribute.Name };
        switch (attribute.Kind)
        {
            case AttributeKind.Float: proto.Type = AttributeType.Float; proto.F = attribute.Float; break;
            case AttributeKind.Int: proto.Type = AttributeType.Int; proto.I = attribute.Int; break;
            case AttributeKind.String: proto.Type = AttributeType.String; proto.S = ByteString.CopyFromUtf8(attribute.String ?? ""); break;
            case AttributeKind.Floats: proto.Type = AttributeType.Floats; proto.Floats.AddRange(attribute.Floats ?? []); break;
            case AttributeKind.Ints: proto.Type = AttributeType.Ints; proto.Ints.AddRange(attribute.Ints ?? []); break;
            case AttributeKind.Strings:
                proto.Type = AttributeType.Strings;
                proto.Strings.AddRange((attribute.Strings ?? []).Select(ByteString.CopyFromUtf8));
                break;
            case AttributeKind.Tensor:
                proto.Type = AttributeType.Tensor;
                proto.T = OnnxTensors.Write(attribute.Tensor ?? throw new ModelFormatException($"{where}: tensor attribute has no tensor"), where);
                break;
            default:
                throw new ModelFormatException($"{where}: unknown attribute kind {attribute.Kind}");
        }
        return proto;
    }

    private static ValueInfoProto WriteValueInfo(ValueInfo info)
    {
        var proto = new ValueInfoProto { Name = info.Name };
        if (info.ElementType == ElementType.Undefined && info.Dims.Length == 0) return proto;
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)info.ElementType, Shape = new TensorShapeProto() };
        for (int i = 0; i < info.Dims.Length; i++)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (info.Dims[i] >= 0) dim.DimValue = info.Dims[i];
            else if (info.SymbolicDims is { } symbols && i < symbols.Length && symbols[i] is { } symbol) dim.DimParam = symbol;
            tensorType.Shape.Dim.Add(dim);
        }
        proto.Type = new TypeProto { TensorType = tensorType };
        return proto;
    }
}
