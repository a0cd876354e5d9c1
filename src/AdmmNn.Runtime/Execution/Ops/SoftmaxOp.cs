namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// Softmax or LogSoftmax. From opset 13 along one axis (default -1); before, over everything from <c>axis</c> (default 1)
/// on, as if flattened to 2-D.
/// </summary>
internal sealed class SoftmaxOp(bool log, int axis, bool flattenFromAxis) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        Shapes.Axis(axis, x.Length, "axis");
        return [x];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        var shape = x.Shape;
        int a = Shapes.Axis(axis, shape.Length, "axis");
        int outer = 1, length = 1, inner = 1;
        for (int d = 0; d < a; d++) outer *= shape[d];
        if (flattenFromAxis) for (int d = a; d < shape.Length; d++) length *= shape[d];
        else
        {
            length = shape[a];
            for (int d = a + 1; d < shape.Length; d++) inner *= shape[d];
        }
        var src = x.Span;
        var dst = outputs[0].Span;
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int start = o * length * inner + i;
            float max = float.NegativeInfinity;
            for (int k = 0; k < length; k++) max = MathF.Max(max, src[start + k * inner]);
            float sum = 0f;
            for (int k = 0; k < length; k++) sum += MathF.Exp(src[start + k * inner] - max);
            float logSum = MathF.Log(sum);
            for (int k = 0; k < length; k++)
            {
                float shifted = src[start + k * inner] - max;
                dst[start + k * inner] = log ? shifted - logSum : MathF.Exp(shifted) / sum;
            }
        }
    }
}
