using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Gelu (opset 20): approximate "none" gives x·Φ(x) = x/2·(1 + erf(x/√2)); "tanh" gives
/// x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
/// </summary>
internal sealed class GeluOp : UnaryOp
{
    private const double InvSqrt2 = 0.70710678118654752;
    private const double InvSqrt2Pi = 0.3989422804014327;
    private const double SqrtTwoOverPi = 0.7978845608028654;
    private const double Cubic = 0.044715;
    private readonly bool _tanh;

    public GeluOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        string approximate = node.String("approximate", "none");
        _tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw Error($"attribute approximate must be 'none' or 'tanh', not '{approximate}'."),
        };
    }

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1 + (_tanh ? Math.Tanh(SqrtTwoOverPi * (v + Cubic * v * v * v)) : ErrorFunction.Erf(v * InvSqrt2))));
        }
    }

    protected override void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count)
    {
        for (int i = 0; i < count; i++)
        {
            double v = x[i], slope;
            if (_tanh)
            {
                double t = Math.Tanh(SqrtTwoOverPi * (v + Cubic * v * v * v));
                slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SqrtTwoOverPi * (1 + 3 * Cubic * v * v);
            }
            else
            {
                slope = 0.5 * (1 + ErrorFunction.Erf(v * InvSqrt2)) + v * InvSqrt2Pi * Math.Exp(-0.5 * v * v);
            }

            dx[i] += (float)(slope * dy[i]);
        }
    }
}
