namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Reshape to a constant target shape (0 copies the input dimension unless allowzero, -1 is inferred).</summary>
internal sealed class ReshapeOp(long[] target, bool allowZero) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        int size = Shapes.Size(x);
        var shape = new int[target.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.Length; i++)
        {
            long d = target[i];
            if (d == -1)
            {
                if (infer >= 0) throw new ShapeException("more than one -1 in the target shape");
                infer = i;
                continue;
            }
            if (d == 0 && !allowZero)
            {
                if (i >= x.Length) throw new ShapeException($"0 at position {i} but the input has rank {x.Length}");
                d = x[i];
            }
            if (d < 0 || d > int.MaxValue) throw new ShapeException($"target dimension {d} is invalid");
            shape[i] = (int)d;
            known *= d;
            if (known > int.MaxValue) throw new ShapeException("target shape has too many elements");
        }
        if (infer >= 0)
        {
            if (known == 0 || size % known != 0) throw new ShapeException($"cannot infer -1: {size} elements into [{string.Join(",", target)}]");
            shape[infer] = (int)(size / known);
        }
        if (Shapes.Size(shape) != size) throw new ShapeException($"cannot reshape {Shapes.Format(x)} to {Shapes.Format(shape)}");
        return [shape];
    }

    public override void Execute(Value?[] inputs, Value[] outputs) => inputs[0]!.Span.CopyTo(outputs[0].Span);
}
