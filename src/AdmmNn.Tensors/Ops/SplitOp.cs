using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Split along <c>axis</c> into one piece per output. Piece sizes: the attribute <c>split</c> before opset 13, the
/// optional constant input 1 from opset 13; without them, equal pieces (from opset 18 <c>num_outputs</c> pieces of
/// ceil(size/num_outputs), the last smaller).
/// </summary>
internal sealed class SplitOp : NodeOp
{
    private readonly long _axis;
    private readonly long[]? _split;

    public SplitOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _axis = node.Int("axis", 0);
        _split = context.Opset < 13 ? ConstantInputs.AttributeInts(node, "split") : ConstantInputs.Ints(node, context, 1, "split");
        if (_split is not null && (_split.Length != Out.Length || _split.Any(v => v < 0)))
        {
            throw Error($"split [{string.Join(",", _split)}] must list a non-negative size for each of the {Out.Length} outputs.");
        }

        if (context.Opset >= 18 && _split is null && node.Attribute("num_outputs") is { } n && n.Int != Out.Length)
        {
            throw Error($"num_outputs is {n.Int} but the node has {Out.Length} outputs.");
        }
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (axis, sizes) = Plan(x);
        int outer = x.Shape[..axis].Aggregate(1, (a, d) => a * d), inner = x.Shape[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        int inBlock = x.Shape[axis] * inner, offset = 0;
        for (int k = 0; k < Out.Length; k++)
        {
            var shape = (int[])x.Shape.Clone();
            shape[axis] = sizes[k];
            int block = sizes[k] * inner;
            if (Out[k] >= 0)
            {
                var y = s.Output(Out[k], shape);
                for (int o = 0; o < outer; o++)
                {
                    x.Data.AsSpan(o * inBlock + offset, block).CopyTo(y.Data.AsSpan(o * block, block));
                }
            }

            offset += block;
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var x = Input(s, 0);
        var (axis, sizes) = Plan(x);
        int outer = x.Shape[..axis].Aggregate(1, (a, d) => a * d), inner = x.Shape[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        int inBlock = x.Shape[axis] * inner, offset = 0;
        for (int k = 0; k < Out.Length; k++)
        {
            int block = sizes[k] * inner;
            if (Out[k] >= 0 && s.Grads[Out[k]] is { } dy)
            {
                for (int o = 0; o < outer; o++)
                {
                    var d = dx.Data.AsSpan(o * inBlock + offset, block);
                    TensorPrimitives.Add(d, dy.Data.AsSpan(o * block, block), d);
                }
            }

            offset += block;
        }
    }

    private (int Axis, int[] Sizes) Plan(Tensor x)
    {
        int axis = ConstantInputs.Axis(Node, _axis, x.Rank), size = x.Shape[axis], n = Out.Length;
        int[] sizes;
        if (_split is not null)
        {
            sizes = _split.Select(v => (int)v).ToArray();
        }
        else if (Opset >= 18)
        {
            int chunk = (size + n - 1) / n;
            sizes = Enumerable.Range(0, n).Select(k => Math.Clamp(size - k * chunk, 0, chunk)).ToArray();
        }
        else
        {
            sizes = size % n == 0 ? Enumerable.Repeat(size / n, n).ToArray()
                : throw Error($"axis {axis} of {x.ShapeText} does not split into {n} equal pieces.");
        }

        if (sizes.Sum() != size)
        {
            throw Error($"split sizes [{string.Join(",", sizes)}] do not add up to {size}, the size of axis {axis} of {x.ShapeText}.");
        }

        return (axis, sizes);
    }
}
