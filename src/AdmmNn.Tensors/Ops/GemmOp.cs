using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Gemm: Y = alpha·op(A)·op(B) + beta·C with transA/transB and C broadcast to [M,N].</summary>
internal sealed class GemmOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly float _alpha = node.Float("alpha", 1f);
    private readonly float _beta = node.Float("beta", 1f);
    private readonly bool _transA = node.Int("transA", 0) != 0;
    private readonly bool _transB = node.Int("transB", 0) != 0;

    public override void Forward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var (m, n, k) = Dims(a, b);
        var y = s.Output(Out[0], [m, n]);
        float beta = 0f;
        if (HasInput(2) && _beta != 0f)
        {
            var c = Input(s, 2);
            var bc = Broadcast.Of(y.Shape, c.Shape);
            if (bc is null || !bc.Shape.AsSpan().SequenceEqual(y.Shape))
            {
                throw Error($"C of shape {c.ShapeText} does not broadcast to [{m},{n}].");
            }

            float[] cd = c.Data, yd = y.Data;
            bc.ForEachRow((_, oc, oy, len, _, sc) =>
            {
                if (sc == 1)
                {
                    cd.AsSpan(oc, len).CopyTo(yd.AsSpan(oy, len));
                }
                else
                {
                    yd.AsSpan(oy, len).Fill(cd[oc]);
                }
            });
            beta = _beta;
        }

        Gemm.Multiply(_transA, _transB, m, n, k, _alpha, a.Data, _transA ? m : k, b.Data, _transB ? k : n, beta, y.Data, n);
    }

    public override void Backward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var (m, n, k) = Dims(a, b);
        float[] dy = OutputGrad(s).Data;
        if (InputGrad(s, 0) is { } da)
        {
            if (!_transA)
            {
                // dA[m×k] = alpha·dY·op(B)ᵀ
                Gemm.Multiply(false, !_transB, m, k, n, _alpha, dy, n, b.Data, _transB ? k : n, 1f, da.Data, k);
            }
            else
            {
                // dA stored k×m = alpha·op(B)·dYᵀ
                Gemm.Multiply(_transB, true, k, m, n, _alpha, b.Data, _transB ? k : n, dy, n, 1f, da.Data, m);
            }
        }

        if (InputGrad(s, 1) is { } db)
        {
            if (!_transB)
            {
                // dB[k×n] = alpha·op(A)ᵀ·dY
                Gemm.Multiply(!_transA, false, k, n, m, _alpha, a.Data, _transA ? m : k, dy, n, 1f, db.Data, n);
            }
            else
            {
                // dB stored n×k = alpha·dYᵀ·op(A)
                Gemm.Multiply(true, _transA, n, k, m, _alpha, dy, n, a.Data, _transA ? m : k, 1f, db.Data, k);
            }
        }

        if (HasInput(2) && InputGrad(s, 2) is { } dc)
        {
            var c = Input(s, 2);
            var bc = Broadcast.Of([m, n], c.Shape)!;
            float[] dcd = dc.Data;
            float beta = _beta;
            bc.ForEachRow((_, oc, oy, len, _, sc) =>
            {
                if (sc == 1)
                {
                    if (beta == 1f)
                    {
                        TensorPrimitives.Add(dcd.AsSpan(oc, len), dy.AsSpan(oy, len), dcd.AsSpan(oc, len));
                    }
                    else
                    {
                        TensorPrimitives.MultiplyAdd(dy.AsSpan(oy, len), beta, dcd.AsSpan(oc, len), dcd.AsSpan(oc, len));
                    }
                }
                else
                {
                    dcd[oc] += beta * TensorPrimitives.Sum(dy.AsSpan(oy, len));
                }
            });
        }
    }

    private (int M, int N, int K) Dims(Tensor a, Tensor b)
    {
        RequireRank(a, 2, "A");
        RequireRank(b, 2, "B");
        int m = _transA ? a.Shape[1] : a.Shape[0], k = _transA ? a.Shape[0] : a.Shape[1];
        int kb = _transB ? b.Shape[1] : b.Shape[0], n = _transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
        {
            throw Error($"inner dimensions differ: A {a.ShapeText} (transA={(_transA ? 1 : 0)}) and B {b.ShapeText} (transB={(_transB ? 1 : 0)}).");
        }

        return (m, n, k);
    }
}
