using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Flatten: [d0..d(axis-1)] and [d(axis)..] become two dimensions (axis default 1, negative counts from the end).</summary>
internal sealed class FlattenOp(GraphNode node, OpCompileContext context) : ViewOp(node, context)
{
    private readonly int _axis = (int)node.Int("axis", 1);

    protected override int[] OutputShape(int[] input)
    {
        int axis = _axis < 0 ? _axis + input.Length : _axis;
        if (axis < 0 || axis > input.Length)
        {
            throw Error($"axis {_axis} is out of range for shape {Tensor.ShapeToText(input)}.");
        }

        int outer = 1, inner = 1;
        for (int i = 0; i < input.Length; i++)
        {
            if (i < axis)
            {
                outer *= input[i];
            }
            else
            {
                inner *= input[i];
            }
        }

        return [outer, inner];
    }
}
