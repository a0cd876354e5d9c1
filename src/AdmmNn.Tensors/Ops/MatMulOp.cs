using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX MatMul (numpy matmul): 1-D operands are promoted, leading batch dimensions broadcast.</summary>
internal sealed class MatMulOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    public override void Forward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var p = Plan(a, b);
        var y = s.Output(Out[0], p.OutShape);
        for (int i = 0; i < p.Batches; i++)
        {
            Gemm.Multiply(false, false, p.M, p.N, p.K, 1f, a.Data.AsSpan(p.OffA[i], p.M * p.K), p.K,
                b.Data.AsSpan(p.OffB[i], p.K * p.N), p.N, 0f, y.Data.AsSpan(i * p.M * p.N, p.M * p.N), p.N);
        }
    }

    public override void Backward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var p = Plan(a, b);
        float[] dy = OutputGrad(s).Data;
        var da = InputGrad(s, 0);
        var db = InputGrad(s, 1);
        for (int i = 0; i < p.Batches; i++)
        {
            var dyi = dy.AsSpan(i * p.M * p.N, p.M * p.N);
            if (da is not null)
            {
                Gemm.Multiply(false, true, p.M, p.K, p.N, 1f, dyi, p.N, b.Data.AsSpan(p.OffB[i], p.K * p.N), p.N, 1f, da.Data.AsSpan(p.OffA[i], p.M * p.K), p.K);
            }

            if (db is not null)
            {
                Gemm.Multiply(true, false, p.K, p.N, p.M, 1f, a.Data.AsSpan(p.OffA[i], p.M * p.K), p.K, dyi, p.N, 1f, db.Data.AsSpan(p.OffB[i], p.K * p.N), p.N);
            }
        }
    }

    private sealed record MatMulPlan(int[] ShapeA, int[] ShapeB, int[] OutShape, int M, int N, int K, int Batches, int[] OffA, int[] OffB);

    private MatMulPlan? _plan;

    private MatMulPlan Plan(Tensor a, Tensor b)
    {
        if (_plan is { } p && a.HasShape(p.ShapeA) && b.HasShape(p.ShapeB))
        {
            return p;
        }

        int[] sa = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] sb = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        if (sa.Length < 2 || sb.Length < 2)
        {
            throw Error($"operands must have rank ≥ 1 (got {a.ShapeText} and {b.ShapeText}).");
        }

        int m = sa[^2], k = sa[^1], kb = sb[^2], n = sb[^1];
        if (k != kb)
        {
            throw Error($"inner dimensions differ: {a.ShapeText} × {b.ShapeText}.");
        }

        int[] batchA = sa[..^2], batchB = sb[..^2];
        var bc = Broadcast.Of(batchA, batchB) ?? throw Error($"batch dimensions of {a.ShapeText} and {b.ShapeText} do not broadcast.");
        int batches = Tensor.SizeOf(bc.Shape);
        var offA = new int[batches];
        var offB = new int[batches];
        if (bc.Shape.Length == 0)
        {
            offA[0] = 0;
            offB[0] = 0;
        }
        else
        {
            bc.ForEachRow((oa, ob, oy, len, strA, strB) =>
            {
                for (int i = 0; i < len; i++)
                {
                    offA[oy + i] = (oa + i * strA) * m * k;
                    offB[oy + i] = (ob + i * strB) * k * n;
                }
            });
        }

        var outShape = new List<int>(bc.Shape);
        if (a.Rank > 1)
        {
            outShape.Add(m);
        }

        if (b.Rank > 1)
        {
            outShape.Add(n);
        }

        _plan = new MatMulPlan((int[])a.Shape.Clone(), (int[])b.Shape.Clone(), [.. outShape], m, n, k, batches, offA, offB);
        return _plan;
    }
}
