namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// Clip: y = min(max(x, min), max). Before opset 11 the bounds are attributes (given here); from opset 11 they are
/// the optional scalar inputs 1 and 2 (ReLU6 from PyTorch: constants 0 and 6), read each run.
/// </summary>
internal sealed class ClipOp(float minAttribute, float maxAttribute) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is { } s && Shapes.Size(s) != 1) throw new ShapeException($"input {i} ({(i == 1 ? "min" : "max")}) must be a scalar, got {Shapes.Format(s)}");
        return [inputs[0]!];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        float lo = inputs.Length > 1 && inputs[1] is { } min ? min.Span[0] : minAttribute;
        float hi = inputs.Length > 2 && inputs[2] is { } max ? max.Span[0] : maxAttribute;
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        for (int i = 0; i < x.Length; i++) y[i] = Math.Min(Math.Max(x[i], lo), hi);
    }
}
