using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX HardSwish (opset 14): y = x · max(0, min(1, x/6 + 1/2)).</summary>
internal sealed class HardSwishOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] * Math.Max(0f, Math.Min(1f, x[i] / 6f + 0.5f));
        }
    }

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            // d/dx: 0 below -3, 1 above 3, x/3 + 1/2 between.
            float v = x[i];
            float slope = v <= -3f ? 0f : v >= 3f ? 1f : v / 3f + 0.5f;
            dx[i] += slope * dy[i];
        }
    }
}
