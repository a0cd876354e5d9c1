using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Concat along axis (negative counts from the end).</summary>
internal sealed class ConcatOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly long _axis = node.Attribute("axis") is not null ? node.Int("axis", 0)
        : throw new Modules.InvalidModelException($"Node '{node.Name}' (Concat): attribute axis is required.");

    public override void Forward(ExecutionState s)
    {
        var inputs = In.Select(s.Value).ToArray();
        var first = inputs[0];
        int axis = Axis(first.Rank);
        var shape = (int[])first.Shape.Clone();
        shape[axis] = 0;
        foreach (var t in inputs)
        {
            if (t.Rank != first.Rank || Enumerable.Range(0, t.Rank).Any(d => d != axis && t.Shape[d] != first.Shape[d]))
            {
                throw Error($"inputs {first.ShapeText} and {t.ShapeText} differ outside axis {axis}.");
            }

            shape[axis] += t.Shape[axis];
        }

        var y = s.Output(Out[0], shape);
        int outer = shape[..axis].Aggregate(1, (a, d) => a * d), inner = shape[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        int outBlock = shape[axis] * inner, offset = 0;
        foreach (var t in inputs)
        {
            int block = t.Shape[axis] * inner;
            for (int o = 0; o < outer; o++)
            {
                t.Data.AsSpan(o * block, block).CopyTo(y.Data.AsSpan(o * outBlock + offset, block));
            }

            offset += block;
        }
    }

    public override void Backward(ExecutionState s)
    {
        var dy = OutputGrad(s);
        int axis = Axis(dy.Rank);
        int outer = dy.Shape[..axis].Aggregate(1, (a, d) => a * d), inner = dy.Shape[(axis + 1)..].Aggregate(1, (a, d) => a * d);
        int outBlock = dy.Shape[axis] * inner, offset = 0;
        for (int k = 0; k < In.Length; k++)
        {
            var t = s.Value(In[k]);
            int block = t.Shape[axis] * inner;
            if (InputGrad(s, k) is { } dx)
            {
                for (int o = 0; o < outer; o++)
                {
                    var d = dx.Data.AsSpan(o * block, block);
                    TensorPrimitives.Add(d, dy.Data.AsSpan(o * outBlock + offset, block), d);
                }
            }

            offset += block;
        }
    }

    private int Axis(int rank)
    {
        long axis = _axis < 0 ? _axis + rank : _axis;
        return axis >= 0 && axis < rank ? (int)axis : throw Error($"axis {_axis} is out of range for rank {rank}.");
    }
}
