namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>ReduceMean over <c>axes</c> (all when none, unless noop_with_empty_axes), keeping them as size 1 when keepdims.</summary>
internal sealed class ReduceMeanOp(long[]? axes, bool keepDims, bool noopWithEmptyAxes) : Op
{
    private bool[] Reduced(int rank)
    {
        var reduced = new bool[rank];
        if (axes is null || axes.Length == 0) Array.Fill(reduced, !noopWithEmptyAxes);
        else
            foreach (var a in axes)
            {
                int d = Shapes.Axis(checked((int)Math.Clamp(a, int.MinValue, int.MaxValue)), rank, "axis");
                if (reduced[d]) throw new ShapeException($"axis {a} is listed twice");
                reduced[d] = true;
            }
        return reduced;
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        var reduced = Reduced(x.Length);
        return [Enumerable.Range(0, x.Length).Where(d => keepDims || !reduced[d]).Select(d => reduced[d] ? 1 : x[d]).ToArray()];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var y = outputs[0].Span;
        var reduced = Reduced(x.Shape.Length);
        int rank = x.Shape.Length;
        var outStride = new int[rank];
        for (int d = rank - 1, acc = 1; d >= 0; d--)
        {
            outStride[d] = reduced[d] ? 0 : acc;
            acc *= reduced[d] ? 1 : x.Shape[d];
        }
        y.Clear();
        var src = x.Span;
        var index = new int[rank];
        int o = 0;
        for (int i = 0; i < src.Length; i++)
        {
            y[o] += src[i];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                o += outStride[d];
                if (index[d] < x.Shape[d]) break;
                o -= outStride[d] * x.Shape[d];
                index[d] = 0;
            }
        }
        float scale = (float)y.Length / Math.Max(1, src.Length);
        for (int k = 0; k < y.Length; k++) y[k] *= scale;
    }
}
