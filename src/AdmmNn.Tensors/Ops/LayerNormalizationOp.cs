using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX LayerNormalization (opset 17): each row of the axes from <c>axis</c> (default -1) on is normalized to zero
/// mean and unit variance (epsilon default 1e-5), then scaled by Scale and shifted by the optional B, both
/// broadcast to those axes. Optional outputs Mean and InvStdDev keep the reduced axes as size 1. Statistics are
/// accumulated in double.
/// </summary>
internal sealed class LayerNormalizationOp : NodeOp
{
    private readonly long _axis;
    private readonly float _epsilon;
    private double[] _mean = [];
    private double[] _inv = [];

    public LayerNormalizationOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _axis = node.Int("axis", -1);
        _epsilon = node.Float("epsilon", 1e-5f);
    }

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (axis, rows, inner, scaleIndex, biasIndex) = Plan(s, x);
        var y = s.Output(Out[0], x.Shape);
        float[] xd = x.Data, yd = y.Data, sd = Input(s, 1).Data;
        float[]? bd = HasInput(2) ? Input(s, 2).Data : null;
        if (_mean.Length < rows)
        {
            _mean = new double[rows];
            _inv = new double[rows];
        }

        for (int r = 0; r < rows; r++)
        {
            int o = r * inner;
            double sum = 0, squares = 0;
            for (int j = 0; j < inner; j++)
            {
                sum += xd[o + j];
            }

            double mean = sum / inner;
            for (int j = 0; j < inner; j++)
            {
                double c = xd[o + j] - mean;
                squares += c * c;
            }

            double inv = 1 / Math.Sqrt(squares / inner + _epsilon);
            _mean[r] = mean;
            _inv[r] = inv;
            for (int j = 0; j < inner; j++)
            {
                double v = (xd[o + j] - mean) * inv * sd[scaleIndex[j]];
                yd[o + j] = (float)(bd is null ? v : v + bd[biasIndex![j]]);
            }
        }

        var statShape = x.Shape.Select((d, i) => i < axis ? d : 1).ToArray();
        if (Out.Length > 1 && Out[1] >= 0)
        {
            var m = s.Output(Out[1], statShape);
            for (int r = 0; r < rows; r++)
            {
                m.Data[r] = (float)_mean[r];
            }
        }

        if (Out.Length > 2 && Out[2] >= 0)
        {
            var v = s.Output(Out[2], statShape);
            for (int r = 0; r < rows; r++)
            {
                v.Data[r] = (float)_inv[r];
            }
        }
    }

    public override void Backward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (_, rows, inner, scaleIndex, biasIndex) = Plan(s, x);
        float[] xd = x.Data, dy = OutputGrad(s).Data, sd = Input(s, 1).Data;
        var dx = InputGrad(s, 0)?.Data;
        var dscale = InputGrad(s, 1)?.Data;
        var dbias = InputGrad(s, 2)?.Data;
        for (int r = 0; r < rows; r++)
        {
            int o = r * inner;
            double mean = _mean[r], inv = _inv[r], sumG = 0, sumGx = 0;
            for (int j = 0; j < inner; j++)
            {
                double xhat = (xd[o + j] - mean) * inv, g = dy[o + j] * (double)sd[scaleIndex[j]];
                sumG += g;
                sumGx += g * xhat;
                if (dscale is not null)
                {
                    dscale[scaleIndex[j]] += (float)(dy[o + j] * xhat);
                }

                if (dbias is not null)
                {
                    dbias[biasIndex![j]] += dy[o + j];
                }
            }

            if (dx is null)
            {
                continue;
            }

            // d/dx of (x - mean)·inv: inv·(g - mean(g) - xhat·mean(g·xhat)).
            double meanG = sumG / inner, meanGx = sumGx / inner;
            for (int j = 0; j < inner; j++)
            {
                double xhat = (xd[o + j] - mean) * inv, g = dy[o + j] * (double)sd[scaleIndex[j]];
                dx[o + j] += (float)(inv * (g - meanG - xhat * meanGx));
            }
        }
    }

    private (int Axis, int Rows, int Inner, int[] ScaleIndex, int[]? BiasIndex) Plan(ExecutionState s, Tensor x)
    {
        int axis = ConstantInputs.Axis(Node, _axis, x.Rank);
        var normalized = x.Shape[axis..];
        int inner = Tensor.SizeOf(normalized), rows = inner == 0 ? 0 : x.Size / inner;
        var scaleIndex = BroadcastIndex(Input(s, 1), normalized, "Scale");
        var biasIndex = HasInput(2) ? BroadcastIndex(Input(s, 2), normalized, "B") : null;
        return (axis, rows, inner, scaleIndex, biasIndex);
    }

    /// <summary>For each element of the normalized axes, the element of <paramref name="t"/> that broadcasts onto it.</summary>
    private int[] BroadcastIndex(Tensor t, int[] normalized, string what)
    {
        int rank = normalized.Length;
        if (t.Rank > rank || Enumerable.Range(0, t.Rank).Any(i => t.Shape[i] != 1 && t.Shape[i] != normalized[rank - t.Rank + i]))
        {
            throw Error($"{what} {t.ShapeText} does not broadcast to the normalized shape {Tensor.ShapeToText(normalized)}.");
        }

        var index = new int[Tensor.SizeOf(normalized)];
        for (int j = 0; j < index.Length; j++)
        {
            int rest = j, offset = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int coordinate = rest % normalized[d];
                rest /= normalized[d];
                int td = d - (rank - t.Rank);
                if (td >= 0)
                {
                    offset += (t.Shape[td] == 1 ? 0 : coordinate) * stride;
                    stride *= t.Shape[td];
                }
            }

            index[j] = offset;
        }

        return index;
    }
}
