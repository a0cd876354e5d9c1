namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Concatenates inputs along <c>axis</c>.</summary>
internal sealed class ConcatOp(int axis) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var first = inputs[0]!;
        int a = Shapes.Axis(axis, first.Length, "axis");
        var shape = (int[])first.Clone();
        long total = first[a];
        foreach (var x in inputs.Skip(1))
        {
            if (x is null || x.Length != first.Length) throw new ShapeException("inputs must have the same rank");
            for (int d = 0; d < x.Length; d++)
                if (d != a && x[d] != first[d]) throw new ShapeException($"input {Shapes.Format(x)} does not match {Shapes.Format(first)} off the axis");
            total += x[a];
        }
        if (total > int.MaxValue) throw new ShapeException("concatenation is too large");
        shape[a] = (int)total;
        return [shape];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var y = outputs[0];
        int a = Shapes.Axis(axis, y.Shape.Length, "axis");
        int outer = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= y.Shape[d];
        for (int d = a + 1; d < y.Shape.Length; d++) inner *= y.Shape[d];
        int offset = 0, rowLength = y.Shape[a] * inner;
        foreach (var x in inputs)
        {
            int chunk = x!.Shape[a] * inner;
            for (int o = 0; o < outer; o++) x.Data.AsSpan(o * chunk, chunk).CopyTo(y.Data.AsSpan(o * rowLength + offset, chunk));
            offset += chunk;
        }
    }
}
