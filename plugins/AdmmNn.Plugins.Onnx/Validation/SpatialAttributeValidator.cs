using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Validation;

/// <summary>
/// Window attributes of convolutions and pools (kernel_shape, strides, dilations, pads, output_padding) are checked at
/// load against <see cref="OnnxLimits.MaxSpatialExtent"/>: one huge pad would otherwise make a small file demand an
/// activation larger than memory when the model runs.
/// </summary>
internal static class SpatialAttributeValidator
{
    private static readonly HashSet<string> WindowOps = ["Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool", "MaxUnpool"];

    public static void Check(GraphNode node, string where)
    {
        if (node.Domain.Length != 0 || !WindowOps.Contains(node.OpType)) return;
        foreach (var a in node.Attributes)
        {
            long min = a.Name switch { "kernel_shape" or "strides" or "dilations" => 1, "pads" or "output_padding" => 0, _ => long.MinValue };
            if (min == long.MinValue) continue;
            if (a.Kind != AttributeKind.Ints || a.Ints is null)
                throw new ModelFormatException($"{where}: attribute '{a.Name}' must be a list of integers");
            if (a.Ints.Length > 2 * OnnxLimits.MaxRank)
                throw new ModelFormatException($"{where}: attribute '{a.Name}' has {a.Ints.Length} values");
            foreach (var v in a.Ints)
                if (v < min || v > OnnxLimits.MaxSpatialExtent)
                    throw new ModelFormatException($"{where}: attribute '{a.Name}' value {v} is outside [{min}, {OnnxLimits.MaxSpatialExtent}]");
        }
    }
}
