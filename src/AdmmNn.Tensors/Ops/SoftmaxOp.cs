using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Softmax and LogSoftmax. Opset ≥ 13: along one axis (default −1). Opset &lt; 13: the input is coerced to 2-D at
/// axis (default 1) and normalized over everything from axis on.
/// </summary>
internal sealed class SoftmaxOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly bool _log = node.OpType == "LogSoftmax";
    private readonly int _axis = (int)node.Int("axis", context.Opset >= 13 ? -1 : 1);

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (outer, len, inner) = Layout(x.Shape);
        var y = s.Output(Out[0], x.Shape);
        float[] xd = x.Data, yd = y.Data;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float max = float.NegativeInfinity;
                for (int j = 0; j < len; j++)
                {
                    max = MathF.Max(max, xd[b + j * inner]);
                }

                double sum = 0;
                for (int j = 0; j < len; j++)
                {
                    sum += MathF.Exp(xd[b + j * inner] - max);
                }

                float logSum = (float)Math.Log(sum);
                for (int j = 0; j < len; j++)
                {
                    float v = xd[b + j * inner] - max - logSum;
                    yd[b + j * inner] = _log ? v : MathF.Exp(v);
                }
            }
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var y = s.Value(Out[0]);
        var (outer, len, inner) = Layout(y.Shape);
        float[] yd = y.Data, dy = OutputGrad(s).Data, dxd = dx.Data;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                double dot = 0;
                for (int j = 0; j < len; j++)
                {
                    int k = b + j * inner;
                    dot += _log ? dy[k] : dy[k] * yd[k];
                }

                for (int j = 0; j < len; j++)
                {
                    int k = b + j * inner;
                    dxd[k] += _log ? dy[k] - MathF.Exp(yd[k]) * (float)dot : yd[k] * (dy[k] - (float)dot);
                }
            }
        }
    }

    private (int Outer, int Len, int Inner) Layout(int[] shape)
    {
        int axis = _axis < 0 ? _axis + shape.Length : _axis;
        if (axis < 0 || axis >= Math.Max(1, shape.Length))
        {
            throw Error($"axis {_axis} is out of range for shape {Tensor.ShapeToText(shape)}.");
        }

        int outer = 1, len = 1, inner = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (i < axis)
            {
                outer *= shape[i];
            }
            else if (i == axis || Opset < 13)
            {
                len *= shape[i];
            }
            else
            {
                inner *= shape[i];
            }
        }

        return (outer, len, inner);
    }
}
