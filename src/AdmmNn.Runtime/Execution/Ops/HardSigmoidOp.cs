namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>HardSigmoid: y = max(0, min(1, alpha·x + beta)).</summary>
internal sealed class HardSigmoidOp(float alpha, float beta) : Op
{
    public override int[][] InferShapes(int[]?[] inputs) => [inputs[0]!];

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(0f, Math.Min(1f, alpha * x[i] + beta));
    }
}
