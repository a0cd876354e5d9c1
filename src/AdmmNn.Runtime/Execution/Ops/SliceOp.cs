namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Slice with constant starts, ends, axes (null: 0..n-1) and steps (null: 1), clamped as ONNX specifies.</summary>
internal sealed class SliceOp(long[] starts, long[] ends, long[]? axes, long[]? steps) : Op
{
    private int[][] Maps(int[] shape)
    {
        int rank = shape.Length;
        var maps = shape.Select(d => Enumerable.Range(0, d).ToArray()).ToArray();
        var seen = new bool[rank];
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Shapes.Axis((int)Math.Clamp(axes?[i] ?? i, int.MinValue, int.MaxValue), rank, "axis");
            if (seen[axis]) throw new ShapeException($"axis {axis} is sliced twice");
            seen[axis] = true;
            long size = shape[axis], start = starts[i], end = ends[i], step = steps?[i] ?? 1;
            if (start < 0) start += size;
            if (end < 0) end += size;
            if (step > 0) { start = Math.Clamp(start, 0, size); end = Math.Clamp(end, 0, size); }
            else { start = Math.Clamp(start, 0, size - 1); end = Math.Clamp(end, -1, size - 1); }
            long count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
            maps[axis] = count <= 0 ? [] : Enumerable.Range(0, (int)count).Select(k => (int)(start + k * step)).ToArray();
        }
        return maps;
    }

    public override int[][] InferShapes(int[]?[] inputs) => [Maps(inputs[0]!).Select(m => m.Length).ToArray()];

    public override void Execute(Value?[] inputs, Value[] outputs) => AxisGather.Run(inputs[0]!, Maps(inputs[0]!.Shape), outputs[0].Span, 0f);
}
