using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX LeakyRelu (attribute alpha, default 0.01).</summary>
internal sealed class LeakyReluOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    private readonly float _alpha = node.Float("alpha", 0.01f);

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[i] >= 0f ? x[i] : _alpha * x[i];
        }
    }

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            dx[i] += x[i] > 0f ? dy[i] : _alpha * dy[i];
        }
    }
}
