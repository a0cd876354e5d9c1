using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX GlobalAveragePool: [N,C,spatial…] → [N,C,1,…].</summary>
internal sealed class GlobalAveragePoolOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        if (x.Rank < 3)
        {
            throw Error($"input must have rank ≥ 3 but has shape {x.ShapeText}.");
        }

        var shape = x.Shape.Select((d, i) => i < 2 ? d : 1).ToArray();
        var y = s.Output(Out[0], shape);
        int planes = x.Shape[0] * x.Shape[1], size = x.Size / Math.Max(1, planes);
        for (int p = 0; p < planes; p++)
        {
            y.Data[p] = TensorPrimitives.Sum(x.Data.AsSpan(p * size, size)) / size;
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var dy = OutputGrad(s).Data;
        int planes = dy.Length, size = dx.Size / Math.Max(1, planes);
        for (int p = 0; p < planes; p++)
        {
            var d = dx.Data.AsSpan(p * size, size);
            TensorPrimitives.Add(d, dy[p] / size, d);
        }
    }
}
