namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Split along <c>axis</c>: given sizes, else equal pieces (ceil-sized with the last smaller when <paramref name="ceilPieces"/>, opset 18).</summary>
internal sealed class SplitOp(int axis, long[]? split, bool ceilPieces) : Op
{
    private int[] Sizes(int[] shape, out int a)
    {
        a = Shapes.Axis(axis, shape.Length, "axis");
        int size = shape[a], n = Outputs.Length;
        int[] sizes;
        if (split is not null)
        {
            if (split.Length != n || split.Any(v => v < 0 || v > int.MaxValue)) throw new ShapeException($"split [{string.Join(",", split)}] needs a size per each of {n} outputs");
            sizes = split.Select(v => (int)v).ToArray();
        }
        else if (ceilPieces)
        {
            int chunk = (size + n - 1) / n;
            sizes = Enumerable.Range(0, n).Select(k => Math.Clamp(size - k * chunk, 0, chunk)).ToArray();
        }
        else if (size % n == 0) sizes = Enumerable.Repeat(size / n, n).ToArray();
        else throw new ShapeException($"axis {a} of {Shapes.Format(shape)} does not split into {n} equal pieces");
        if (sizes.Sum(v => (long)v) != size) throw new ShapeException($"split sizes [{string.Join(",", sizes)}] do not add up to {size}");
        return sizes;
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        var sizes = Sizes(x, out int a);
        return sizes.Select(s => { var shape = (int[])x.Clone(); shape[a] = s; return shape; }).ToArray();
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var sizes = Sizes(x.Shape, out int a);
        int outer = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= x.Shape[d];
        for (int d = a + 1; d < x.Shape.Length; d++) inner *= x.Shape[d];
        int inBlock = x.Shape[a] * inner, offset = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            int block = sizes[k] * inner;
            for (int o = 0; o < outer; o++) x.Data.AsSpan(o * inBlock + offset, block).CopyTo(outputs[k].Data.AsSpan(o * block, block));
            offset += block;
        }
    }
}
