using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Erf (PyTorch writes exact GELU as x·0.5·(1 + Erf(x/√2)) before opset 20).</summary>
internal sealed class ErfOp(GraphNode node, OpCompileContext context) : UnaryOp(node, context)
{
    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = (float)ErrorFunction.Erf(x[i]);
        }
    }

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            dx[i] += (float)(ErrorFunction.Derivative(x[i]) * dy[i]);
        }
    }
}
