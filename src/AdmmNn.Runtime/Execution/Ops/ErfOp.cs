namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Erf, elementwise.</summary>
internal sealed class ErfOp : Op
{
    public override int[][] InferShapes(int[]?[] inputs) => [inputs[0]!];

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        for (int i = 0; i < x.Length; i++) y[i] = (float)ErrorFunction.Erf(x[i]);
    }
}
