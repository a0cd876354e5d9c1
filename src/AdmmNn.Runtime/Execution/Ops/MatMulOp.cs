using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>MatMul of two computed values (numpy semantics: 1-D promotion, broadcast batch dimensions).</summary>
internal sealed class MatMulOp : Op
{
    public override int[][] InferShapes(int[]?[] inputs) => [Plan(inputs[0]!, inputs[1]!).Output];

    public override long Work(int[]?[] inputs)
    {
        var (output, _, _, k, _) = Plan(inputs[0]!, inputs[1]!);
        return Shapes.Size(output) * (long)k;
    }

    private static (int[] Output, int[] Batch, int M, int K, int N) Plan(int[] a, int[] b)
    {
        if (a.Length == 0 || b.Length == 0) throw new ShapeException("MatMul inputs must have rank 1 or more");
        var a2 = a.Length == 1 ? new[] { 1, a[0] } : a;
        var b2 = b.Length == 1 ? new[] { b[0], 1 } : b;
        int m = a2[^2], k = a2[^1], k2 = b2[^2], n = b2[^1];
        if (k != k2) throw new ShapeException($"MatMul {Shapes.Format(a)} x {Shapes.Format(b)}: inner dimensions differ");
        var batch = Shapes.Broadcast(a2[..^2], b2[..^2]);
        var output = new List<int>(batch);
        if (a.Length > 1) output.Add(m);
        if (b.Length > 1) output.Add(n);
        return (output.ToArray(), batch, m, k, n);
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var a = inputs[0]!;
        var b = inputs[1]!;
        var (_, batch, m, k, n) = Plan(a.Shape, b.Shape);
        var aBatch = a.Shape.Length > 2 ? a.Shape[..^2] : [];
        var bBatch = b.Shape.Length > 2 ? b.Shape[..^2] : [];
        var sa = Shapes.BroadcastStrides(aBatch, batch);
        var sb = Shapes.BroadcastStrides(bBatch, batch);
        int count = Shapes.Size(batch);
        var index = new int[batch.Length];
        for (int i = 0; i < count; i++)
        {
            int ia = 0, ib = 0;
            for (int d = 0; d < batch.Length; d++) { ia += index[d] * sa[d]; ib += index[d] * sb[d]; }
            DenseGemm.Multiply(m, n, k, a.Data.AsSpan(ia * m * k, m * k), k, b.Data.AsSpan(ib * k * n, k * n), n,
                outputs[0].Data.AsSpan(i * m * n, m * n), n, accumulate: false);
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++index[d] < batch[d]) break;
                index[d] = 0;
            }
        }
    }
}
