using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX HardSigmoid: y = max(0, min(1, alpha·x + beta)) (alpha 0.2, beta 0.5 by default; PyTorch writes alpha 1/6).</summary>
internal sealed class HardSigmoidOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    private readonly float _alpha = node.Float("alpha", 0.2f);
    private readonly float _beta = node.Float("beta", 0.5f);

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Math.Max(0f, Math.Min(1f, _alpha * x[i] + _beta));
        }
    }

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            float z = _alpha * x[i] + _beta;
            if (z > 0f && z < 1f)
            {
                dx[i] += _alpha * dy[i];
            }
        }
    }
}
