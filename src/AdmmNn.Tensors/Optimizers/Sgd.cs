using System.Numerics;
using System.Runtime.InteropServices;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Optimizers;

/// <summary>
/// Stochastic gradient descent as PyTorch defines it: g ← grad + wd·w; v ← μ·v + g; w ← w − lr·(Nesterov ? g + μ·v : v)
/// (plain g when μ = 0).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][] _velocity;

    /// <summary>Creates SGD over <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<Parameter> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (momentum < 0 || weightDecay < 0 || (nesterov && momentum <= 0))
        {
            throw new ArgumentException("SGD: momentum and weight decay must be ≥ 0, and Nesterov needs momentum > 0.");
        }

        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _velocity = Parameters.Select(p => new float[p.Value.Size]).ToArray();
    }

    /// <summary>Momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>L2 weight decay added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override void Step()
    {
        float lr = (float)LearningRate, mu = (float)Momentum, wd = (float)WeightDecay;
        bool first = StepCount == 0, nesterov = Nesterov;
        var pieces = Pieces();
        // Pieces of all parameters in parallel (resnet18's 11 M weights: a memory-bound pass of ~225 MB); BufferPieces says
        // why the results do not depend on the thread count.
        Workers.For(pieces.Count, PieceFloats, (i, _) =>
        {
            var (index, start, length) = pieces[i];
            var parameter = Parameters[index];
            Update(parameter.Value.AsSpan().Slice(start, length), parameter.Grad.AsSpan().Slice(start, length), _velocity[index].AsSpan(start, length),
                lr, mu, wd, nesterov, first);
        });

        StepCount++;
    }

    /// <summary>Floats per parallel piece of a parameter (a multiple of every vector width).</summary>
    private const int PieceFloats = 1 << 16;

    private BufferPieces? _pieces;

    /// <summary>The parameters cut into pieces of at most <see cref="PieceFloats"/> (built once: the parameter set is fixed).</summary>
    private BufferPieces Pieces()
    {
        if (_pieces is null)
        {
            _pieces = new BufferPieces(PieceFloats);
            for (int i = 0; i < Parameters.Count; i++)
            {
                _pieces.Add(i, Parameters[i].Value.Size);
            }
        }

        return _pieces;
    }

    /// <summary>One pass per parameter, vectorized; the tail uses the same per-element arithmetic.</summary>
    private static void Update(Span<float> w, ReadOnlySpan<float> grad, Span<float> v, float lr, float mu, float wd, bool nesterov, bool first)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(grad);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int j = 0; j < vw.Length; j++)
            {
                var g = vg[j] + wd * vw[j];
                if (mu != 0f)
                {
                    vv[j] = first ? g : mu * vv[j] + g;
                    g = nesterov ? g + mu * vv[j] : vv[j];
                }

                vw[j] -= lr * g;
            }

            k = vw.Length * Vector<float>.Count;
        }

        for (; k < w.Length; k++)
        {
            float g = grad[k] + wd * w[k];
            if (mu != 0f)
            {
                v[k] = first ? g : mu * v[k] + g;
                g = nesterov ? g + mu * v[k] : v[k];
            }

            w[k] -= lr * g;
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<float[]> StateOf(int index) => [_velocity[index]];
}
