namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Inference batch normalisation: y = (x - mean) / sqrt(var + eps) * scale + bias, per channel (axis 1).</summary>
internal sealed class BatchNormalizationOp : Op
{
    private readonly float[] _mean, _inverseStd, _scale, _bias;

    public BatchNormalizationOp(float[] scale, float[] bias, float[] mean, float[] variance, float epsilon)
    {
        int c = scale.Length;
        if (bias.Length != c || mean.Length != c || variance.Length != c) throw new ShapeException("scale, B, mean and var must have one value per channel");
        _scale = scale;
        _bias = bias;
        _mean = mean;
        _inverseStd = variance.Select(v => 1f / MathF.Sqrt(v + epsilon)).ToArray();
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        if (x.Length < 2 || x[1] != _scale.Length) throw new ShapeException($"input {Shapes.Format(x)} does not have {_scale.Length} channels");
        if (Outputs.Length > 1) throw new ShapeException("training-mode outputs are not supported");
        return [x];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        int n = x.Shape[0], c = x.Shape[1], size = x.Length / Math.Max(1, n * c);
        for (int s = 0; s < n; s++)
        for (int ch = 0; ch < c; ch++)
        {
            var src = x.Data.AsSpan((s * c + ch) * size, size);
            var dst = outputs[0].Data.AsSpan((s * c + ch) * size, size);
            float m = _mean[ch], k = _inverseStd[ch] * _scale[ch], b = _bias[ch];
            for (int i = 0; i < size; i++) dst[i] = (src[i] - m) * k + b;
        }
    }
}
