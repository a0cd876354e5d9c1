using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Sigmoid.</summary>
internal sealed class SigmoidOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            dx[i] += dy[i] * y[i] * (1f - y[i]);
        }
    }
}
