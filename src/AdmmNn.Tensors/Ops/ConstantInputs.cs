using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Integer operands that newer opsets moved from attributes to inputs (Pad's pads, Slice's starts, Split's split,
/// ReduceMean's axes): the engine needs them at compile time, so they must be constants.
/// </summary>
internal static class ConstantInputs
{
    /// <summary>The integer values of input <paramref name="index"/>, or null when the input is absent or empty-named.</summary>
    public static long[]? Ints(GraphNode node, OpCompileContext context, int index, string what)
    {
        if (index >= node.Inputs.Count || node.Inputs[index].Length == 0)
        {
            return null;
        }

        var data = context.Constant(node.Inputs[index])
            ?? throw new UnsupportedModelException($"Node '{node.Name}' ({node.OpType}, opset {context.Opset}): the {what} input '{node.Inputs[index]}' must be a constant (initializer or Constant node).");
        return data.Int64s ?? data.Floats!.Select(f => (long)f).ToArray();
    }

    /// <summary>An integer-list attribute kept as 64-bit values (Slice's ends may be INT64_MAX), or null when absent.</summary>
    public static long[]? AttributeInts(GraphNode node, string name) =>
        node.Attribute(name) is not { } a ? null
        : a.Kind == AttributeKind.Ints ? a.Ints ?? []
        : throw new InvalidModelException($"Node '{node.Name}' ({node.OpType}): attribute '{name}' must be an integer list.");

    /// <summary>Normalizes a possibly negative axis; throws naming the node when it is out of range.</summary>
    public static int Axis(GraphNode node, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a
            : throw new InvalidModelException($"Node '{node.Name}' ({node.OpType}): axis {axis} is out of range for rank {rank}.");
    }
}
