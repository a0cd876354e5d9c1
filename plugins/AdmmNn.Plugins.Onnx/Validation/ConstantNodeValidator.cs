using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Validation;

/// <summary>
/// A Constant node carries its value in exactly one attribute whose kind matches its name, and has one named output;
/// checked at load so engines never meet a Constant without its value.
/// </summary>
internal static class ConstantNodeValidator
{
    public static void Check(GraphNode node, string where)
    {
        if (node.OpType != "Constant" || node.Domain.Length != 0) return;
        if (node.Outputs.Count != 1 || node.Outputs[0].Length == 0)
            throw new ModelFormatException($"{where}: a Constant has exactly one named output, this one has {node.Outputs.Count}");
        if (node.Attributes.Count != 1)
            throw new ModelFormatException($"{where}: a Constant has exactly one value attribute, this one has {node.Attributes.Count}");
        var a = node.Attributes[0];
        var expected = a.Name switch
        {
            "value" or "sparse_value" => AttributeKind.Tensor,
            "value_float" => AttributeKind.Float,
            "value_floats" => AttributeKind.Floats,
            "value_int" => AttributeKind.Int,
            "value_ints" => AttributeKind.Ints,
            "value_string" => AttributeKind.String,
            "value_strings" => AttributeKind.Strings,
            _ => throw new ModelFormatException($"{where}: attribute '{a.Name}' is not a Constant value attribute"),
        };
        bool present = expected switch
        {
            AttributeKind.Tensor => a.Tensor is { } t && (t.Floats is not null || t.Int64s is not null),
            AttributeKind.Floats => a.Floats is not null,
            AttributeKind.Ints => a.Ints is not null,
            AttributeKind.Strings => a.Strings is not null,
            AttributeKind.String => a.String is not null,
            _ => true,
        };
        if (a.Kind != expected || !present)
            throw new ModelFormatException($"{where}: attribute '{a.Name}' must hold a {expected.ToString().ToUpperInvariant()} value, it holds {a.Kind.ToString().ToUpperInvariant()}");
    }
}
