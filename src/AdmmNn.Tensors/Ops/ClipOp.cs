using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Clip: y = min(max(x, min), max). Bounds are the attributes <c>min</c>/<c>max</c> before opset 11 and the
/// optional scalar inputs 2 and 3 from opset 11 (PyTorch writes ReLU6 as Clip with constant 0 and 6). Missing bounds
/// are infinite. The bounds are read each run, so they may be initializers, Constant outputs or computed values; no
/// gradient flows into them (a trainable ReLU6 bound would be a surprise to the compressor).
/// </summary>
internal sealed class ClipOp : NodeOp
{
    private readonly float _minAttribute;
    private readonly float _maxAttribute;

    public ClipOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _minAttribute = context.Opset < 11 ? node.Float("min", float.NegativeInfinity) : float.NegativeInfinity;
        _maxAttribute = context.Opset < 11 ? node.Float("max", float.PositiveInfinity) : float.PositiveInfinity;
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (lo, hi) = Bounds(s);
        var y = s.Output(Out[0], x.Shape);
        float[] xd = x.Data, yd = y.Data;
        for (int i = 0; i < x.Size; i++)
        {
            yd[i] = Math.Min(Math.Max(xd[i], lo), hi);
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var x = Input(s, 0);
        var (lo, hi) = Bounds(s);
        float[] xd = x.Data, dy = OutputGrad(s).Data, dxd = dx.Data;
        for (int i = 0; i < x.Size; i++)
        {
            // The output is x itself only inside [lo, hi] (ties pass the gradient, as PyTorch's clamp does).
            if (xd[i] >= lo && xd[i] <= hi)
            {
                dxd[i] += dy[i];
            }
        }
    }

    /// <summary>The clamp bounds for this run (attributes or scalar inputs; missing ones infinite).</summary>
    internal (float Min, float Max) Bounds(ExecutionState s) =>
        Opset < 11 ? (_minAttribute, _maxAttribute) : (Scalar(s, 1, float.NegativeInfinity), Scalar(s, 2, float.PositiveInfinity));

    private float Scalar(ExecutionState s, int index, float fallback)
    {
        if (!HasInput(index))
        {
            return fallback;
        }

        var t = Input(s, index);
        return t.Size == 1 ? t.Data[0] : throw Error($"input {index} ({(index == 1 ? "min" : "max")}) must be a scalar but has shape {t.ShapeText}.");
    }
}
