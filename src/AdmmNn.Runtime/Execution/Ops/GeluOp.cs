namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Gelu (opset 20): x/2·(1 + erf(x/√2)), or with approximate="tanh" x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
internal sealed class GeluOp(bool tanh) : Op
{
    public override int[][] InferShapes(int[]?[] inputs) => [inputs[0]!];

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            double shape = tanh ? Math.Tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)) : ErrorFunction.Erf(v * 0.70710678118654752);
            y[i] = (float)(0.5 * v * (1 + shape));
        }
    }
}
