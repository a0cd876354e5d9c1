namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Mean over every spatial position: [N, C, ...] to [N, C, 1, ...].</summary>
internal sealed class GlobalAveragePoolOp : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        if (x.Length < 3) throw new ShapeException($"input must have spatial dimensions, got {Shapes.Format(x)}");
        return [[x[0], x[1], .. Enumerable.Repeat(1, x.Length - 2)]];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        int planes = x.Shape[0] * x.Shape[1], size = x.Length / Math.Max(1, planes);
        var y = outputs[0].Span;
        for (int p = 0; p < planes; p++)
        {
            float sum = 0f;
            foreach (var v in x.Data.AsSpan(p * size, size)) sum += v;
            y[p] = sum / size;
        }
    }
}
