using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Reshape with a constant shape input (opset ≥ 5) or the <c>shape</c> attribute (opset &lt; 5). A 0 copies the
/// input's dimension at that position (unless allowzero=1), a -1 is inferred.
/// </summary>
internal sealed class ReshapeOp : ViewOp
{
    private readonly long[] _target;
    private readonly bool _allowZero;

    public ReshapeOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _allowZero = node.Int("allowzero", 0) != 0;
        if (node.Inputs.Count >= 2 && node.Inputs[1].Length > 0)
        {
            var shape = context.Constant(node.Inputs[1])
                ?? throw new UnsupportedModelException($"Node '{node.Name}' (Reshape, opset {context.Opset}): the shape input '{node.Inputs[1]}' must be a constant (initializer or Constant node).");
            _target = shape.Int64s ?? shape.Floats?.Select(f => (long)f).ToArray() ?? [];
        }
        else
        {
            _target = node.Attribute("shape")?.Ints ?? throw Error("has neither a shape input nor a shape attribute.");
        }
    }

    protected override int[] OutputShape(int[] input)
    {
        var shape = new int[_target.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = _target[i];
            if (d == 0 && !_allowZero)
            {
                if (i >= input.Length)
                {
                    throw Error($"shape entry {i} is 0 but the input {Tensor.ShapeToText(input)} has no dimension {i}.");
                }

                d = input[i];
            }

            if (d == -1)
            {
                if (infer >= 0)
                {
                    throw Error("shape has more than one -1.");
                }

                infer = i;
                continue;
            }

            if (d < 0)
            {
                throw Error($"shape entry {i} is {d}.");
            }

            shape[i] = (int)d;
            known *= d;
        }

        int size = Tensor.SizeOf(input);
        if (infer >= 0)
        {
            if (known == 0 || size % known != 0)
            {
                throw Error($"cannot reshape {Tensor.ShapeToText(input)} to [{string.Join(",", _target)}].");
            }

            shape[infer] = (int)(size / known);
        }

        return shape;
    }

    public override bool IsDifferentiableInput(int index) => index == 0;
}
