using System.Numerics;
using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Relu.</summary>
internal sealed class ReluOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
            {
                var yv = new Vector<float>(y, i);
                var g = Vector.ConditionalSelect(Vector.GreaterThan(yv, Vector<float>.Zero), new Vector<float>(dy, i), Vector<float>.Zero);
                (new Vector<float>(dx, i) + g).CopyTo(dx, i);
            }
        }

        for (; i < count; i++)
        {
            if (y[i] > 0f)
            {
                dx[i] += dy[i];
            }
        }
    }
}
