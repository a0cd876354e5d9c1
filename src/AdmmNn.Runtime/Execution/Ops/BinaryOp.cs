namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Add, Sub, Mul, Div with numpy broadcasting.</summary>
internal sealed class BinaryOp(BinaryOp.Kind kind) : Op
{
    public enum Kind { Add, Sub, Mul, Div }

    public override int[][] InferShapes(int[]?[] inputs) => [Shapes.Broadcast(inputs[0]!, inputs[1]!)];

    public override void Execute(Value?[] inputs, Value[] outputs) => Apply(kind, inputs[0]!, inputs[1]!, outputs[0]);

    /// <summary>out = a (op) b; <paramref name="output"/> may be <paramref name="a"/> when it has the output's shape.</summary>
    public static void Apply(Kind kind, Value a, Value b, Value output)
    {
        var o = output.Span;
        var x = a.Span;
        var y = b.Span;
        if (x.Length == o.Length && y.Length == o.Length)
        {
            for (int i = 0; i < o.Length; i++) o[i] = Compute(kind, x[i], y[i]);
            return;
        }
        if (x.Length == o.Length && y.Length == 1)
        {
            float s = y[0];
            for (int i = 0; i < o.Length; i++) o[i] = Compute(kind, x[i], s);
            return;
        }
        var shape = output.Shape;
        int rank = shape.Length;
        var sa = Shapes.BroadcastStrides(a.Shape, shape);
        var sb = Shapes.BroadcastStrides(b.Shape, shape);
        var index = new int[rank];
        int ia = 0, ib = 0;
        for (int i = 0; i < o.Length; i++)
        {
            o[i] = Compute(kind, x[ia], y[ib]);
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                ia += sa[d];
                ib += sb[d];
                if (index[d] < shape[d]) break;
                ia -= sa[d] * shape[d];
                ib -= sb[d] * shape[d];
                index[d] = 0;
            }
        }
    }

    private static float Compute(Kind kind, float a, float b) => kind switch
    {
        Kind.Add => a + b,
        Kind.Sub => a - b,
        Kind.Mul => a * b,
        _ => a / b,
    };
}
