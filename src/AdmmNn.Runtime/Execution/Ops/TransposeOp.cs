namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Permutes dimensions (<c>perm</c>, default reversed).</summary>
internal sealed class TransposeOp(int[]? perm) : Op
{
    private int[] Perm(int rank)
    {
        var p = perm ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (p.Length != rank || p.Distinct().Count() != rank || p.Any(i => i < 0 || i >= rank))
            throw new ShapeException($"perm [{string.Join(",", p)}] is not a permutation of rank {rank}");
        return p;
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        return [Perm(x.Length).Select(i => x[i]).ToArray()];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var y = outputs[0];
        int rank = x.Shape.Length;
        var p = Perm(rank);
        var inStrides = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; s *= x.Shape[d], d--) inStrides[d] = s;
        // Walk the output in order; the source index moves by the permuted input strides.
        var strides = p.Select(i => inStrides[i]).ToArray();
        var shape = y.Shape;
        var index = new int[rank];
        var src = x.Span;
        var dst = y.Span;
        int at = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = src[at];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                at += strides[d];
                if (index[d] < shape[d]) break;
                at -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
