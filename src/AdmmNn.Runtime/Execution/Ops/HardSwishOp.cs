namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>HardSwish: y = x · max(0, min(1, x/6 + 1/2)).</summary>
internal sealed class HardSwishOp : Op
{
    public override int[][] InferShapes(int[]?[] inputs) => [inputs[0]!];

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * Math.Max(0f, Math.Min(1f, x[i] / 6f + 0.5f));
    }
}
