namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Flatten to 2-D at <c>axis</c>.</summary>
internal sealed class FlattenOp(int axis) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        int a = axis < 0 ? axis + x.Length : axis;
        if (a < 0 || a > x.Length) throw new ShapeException($"axis {axis} is out of range for rank {x.Length}");
        long outer = 1;
        for (int i = 0; i < a; i++) outer *= x[i];
        int size = Shapes.Size(x);
        return [[(int)outer, outer == 0 ? 0 : (int)(size / outer)]];
    }

    public override void Execute(Value?[] inputs, Value[] outputs) => inputs[0]!.Span.CopyTo(outputs[0].Span);
}
