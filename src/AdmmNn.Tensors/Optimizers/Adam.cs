using System.Numerics;
using System.Runtime.InteropServices;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba) with bias correction. Weight decay here is L2 added to the gradient; for decoupled decay
/// use <see cref="AdamW"/>.
/// </summary>
public class Adam : Optimizer
{
    private readonly float[][] _m;
    private readonly float[][] _v;

    /// <summary>Creates Adam over <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1 || epsilon <= 0 || weightDecay < 0)
        {
            throw new ArgumentException("Adam: betas must be in [0, 1), epsilon > 0 and weight decay ≥ 0.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = Parameters.Select(p => new float[p.Value.Size]).ToArray();
        _v = Parameters.Select(p => new float[p.Value.Size]).ToArray();
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator term.</summary>
    public double Epsilon { get; }

    /// <summary>Weight decay (L2 for Adam, decoupled for AdamW).</summary>
    public double WeightDecay { get; }

    /// <summary>True for decoupled weight decay (AdamW).</summary>
    protected virtual bool Decoupled => false;

    /// <inheritdoc />
    public override void Step()
    {
        StepCount++;
        var c = new Coefficients(
            (float)Beta1, (float)Beta2, (float)Epsilon, (float)LearningRate, (float)WeightDecay,
            (float)(LearningRate / (1 - Math.Pow(Beta1, StepCount))), MathF.Sqrt((float)(1 - Math.Pow(Beta2, StepCount))), Decoupled);
        for (int i = 0; i < Parameters.Count; i++)
        {
            Update(Parameters[i].Value.AsSpan(), Parameters[i].Grad.AsSpan(), _m[i], _v[i], c);
        }
    }

    private readonly record struct Coefficients(float B1, float B2, float Eps, float Lr, float Wd, float StepSize, float SqrtC2, bool Decoupled);

    /// <summary>One pass per parameter, vectorized; the tail uses the same per-element arithmetic.</summary>
    private static void Update(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, Coefficients c)
    {
        int k = 0;
        float l2 = c.Decoupled ? 0f : c.Wd, decay = c.Decoupled ? c.Lr * c.Wd : 0f;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int j = 0; j < vw.Length; j++)
            {
                var x = vw[j];
                var g = vg[j] + l2 * x;
                x -= decay * x;
                vm[j] = c.B1 * vm[j] + (1 - c.B1) * g;
                vv[j] = c.B2 * vv[j] + (1 - c.B2) * g * g;
                vw[j] = x - c.StepSize * vm[j] / (Vector.SquareRoot(vv[j]) / c.SqrtC2 + new Vector<float>(c.Eps));
            }

            k = vw.Length * Vector<float>.Count;
        }

        for (; k < w.Length; k++)
        {
            float x = w[k];
            float g = grad[k] + l2 * x;
            x -= decay * x;
            m[k] = c.B1 * m[k] + (1 - c.B1) * g;
            v[k] = c.B2 * v[k] + (1 - c.B2) * g * g;
            w[k] = x - c.StepSize * m[k] / (MathF.Sqrt(v[k]) / c.SqrtC2 + c.Eps);
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<float[]> StateOf(int index) => [_m[index], _v[index]];
}
