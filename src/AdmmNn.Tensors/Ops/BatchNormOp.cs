using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX BatchNormalization over [N,C,…]. Inference mode normalizes with the running statistics; training mode uses
/// the batch's (population) mean and variance and updates the running ones in place:
/// running = momentum·running + (1 − momentum)·batch.
/// </summary>
internal sealed partial class BatchNormOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly float _epsilon = node.Float("epsilon", 1e-5f);
    private readonly float _momentum = node.Float("momentum", 0.9f);
    private readonly bool _trainingMode = node.Int("training_mode", 0) != 0;

    // Running statistics are updated in place only when they are the module's own initializers (never a caller's input).
    private readonly bool _ownStatistics = node.Inputs.Count >= 5 && context.IsInitializer(node.Inputs[3]) && context.IsInitializer(node.Inputs[4]);
    private float[] _newMean = [];
    private float[] _newVar = [];
    private float[] _mean = [];
    private float[] _invStd = [];
    private bool _usedBatchStats;

    /// <summary>ε added to the variance.</summary>
    internal float Epsilon => _epsilon;

    /// <summary>Always normalizes with batch statistics (opset-14 training_mode), so it cannot be folded for evaluation.</summary>
    internal bool AlwaysTraining => _trainingMode;

    /// <summary>Only X, scale and B carry gradients; mean and var are statistics.</summary>
    public override bool IsDifferentiableInput(int index) => index <= 2;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        if (x.Rank < 2)
        {
            throw Error($"input must have rank ≥ 2 but has shape {x.ShapeText}.");
        }

        int n = x.Shape[0], c = x.Shape[1], inner = x.Size / Math.Max(1, n * c);
        float[] scale = Input(s, 1).Data, bias = Input(s, 2).Data, runMean = Input(s, 3).Data, runVar = Input(s, 4).Data;
        if (scale.Length != c || bias.Length != c || runMean.Length != c || runVar.Length != c)
        {
            throw Error($"scale, B, mean and var must each have {c} values (the channels of {x.ShapeText}).");
        }

        var y = s.Output(Out[0], x.Shape);
        if (_mean.Length != c)
        {
            _mean = new float[c];
            _invStd = new float[c];
        }

        bool training = s.Training || _trainingMode;
        _usedBatchStats = training;
        if (_newMean.Length != c)
        {
            _newMean = new float[c];
            _newVar = new float[c];
        }

        float[] xd = x.Data, yd = y.Data, newMean = _newMean, newVar = _newVar;
        if (training && inner < SmallPlaneInner)
        {
            ForwardAcrossChannels(xd, yd, n, c, inner, scale, bias, runMean, runVar);
        }
        else
        {
            ForwardPerPlane(xd, yd, n, c, inner, scale, bias, runMean, runVar, training);
        }

        // Optional outputs (opset ≥ 14 training mode): the updated running statistics.
        for (int o = 1; o < Math.Min(3, Out.Length); o++)
        {
            if (Out[o] >= 0)
            {
                (o == 1 ? newMean : newVar).AsSpan().CopyTo(s.Output(Out[o], [c]).AsSpan());
            }
        }

        if (training && _ownStatistics)
        {
            newMean.AsSpan().CopyTo(runMean);
            newVar.AsSpan().CopyTo(runVar);
        }
    }

    /// <summary>Per (image, channel) plane: statistics and the affine map while each plane is in L1.</summary>
    private void ForwardPerPlane(float[] xd, float[] yd, int n, int c, int inner, float[] scale, float[] bias, float[] runMean, float[] runVar, bool training)
    {
        float[] mean = _mean, invStd = _invStd, newMean = _newMean, newVar = _newVar;
        float eps = _epsilon, momentum = _momentum;
        Workers.For(c, (long)n * inner, (ch, _) =>
        {
            float mu, inv;
            if (training)
            {
                // One read of the batch: each plane's mean and squared deviations while it is in L1 (two vectorized
                // passes over ≤ a few KB), merged across the batch in order with Chan's pairwise formula in double.
                double m = 0, sq = 0;
                long merged = 0;
                for (int b = 0; b < n; b++)
                {
                    var plane = xd.AsSpan((b * c + ch) * inner, inner);
                    float planeMean = PlaneKernels.Sum(plane) / inner;
                    double planeSq = PlaneKernels.SumSquaredDeviation(plane, planeMean);
                    double delta = planeMean - m;
                    long total = merged + inner;
                    m += delta * inner / total;
                    sq += planeSq + delta * delta * ((double)merged * inner / total);
                    merged = total;
                }

                int count = n * inner;
                double variance = sq / count;
                mu = (float)m;
                inv = (float)(1.0 / Math.Sqrt(variance + eps));
                newMean[ch] = momentum * runMean[ch] + (1 - momentum) * mu;
                newVar[ch] = momentum * runVar[ch] + (1 - momentum) * (float)variance;
            }
            else
            {
                mu = runMean[ch];
                inv = 1f / MathF.Sqrt(runVar[ch] + eps);
                newMean[ch] = runMean[ch];
                newVar[ch] = runVar[ch];
            }

            mean[ch] = mu;
            invStd[ch] = inv;
            float a = scale[ch] * inv, shift = bias[ch] - mu * a;
            for (int b = 0; b < n; b++)
            {
                int off = (b * c + ch) * inner;
                PlaneKernels.Affine(xd.AsSpan(off, inner), a, shift, yd.AsSpan(off, inner), relu: false);
            }
        });

    }

    public override void Backward(ExecutionState s)
    {
        var x = Input(s, 0);
        int n = x.Shape[0], c = x.Shape[1], inner = x.Size / Math.Max(1, n * c);
        float[] xd = x.Data, dy = OutputGrad(s).Data, scale = Input(s, 1).Data, mean = _mean, invStd = _invStd;
        float[]? dx = InputGrad(s, 0)?.Data, dScale = InputGrad(s, 1)?.Data, dBias = InputGrad(s, 2)?.Data;
        bool batchStats = _usedBatchStats;
        if (inner < SmallPlaneInner)
        {
            BackwardAcrossChannels(xd, dy, dx, dScale, dBias, n, c, inner, scale, batchStats);
            return;
        }

        Workers.For(c, (long)n * inner, (ch, _) =>
        {
            double sumDy = 0, sumDyDev = 0;
            float mu = mean[ch], inv = invStd[ch];
            for (int b = 0; b < n; b++)
            {
                int off = (b * c + ch) * inner;
                var (g, gd) = PlaneKernels.SumAndDot(dy.AsSpan(off, inner), xd.AsSpan(off, inner), mu);
                sumDy += g;
                sumDyDev += gd;
            }

            double sumDyXhat = sumDyDev * inv;
            if (dScale is not null)
            {
                dScale[ch] += (float)sumDyXhat;
            }

            if (dBias is not null)
            {
                dBias[ch] += (float)sumDy;
            }

            if (dx is null)
            {
                return;
            }

            // dx += k·(dy − mean(dy) − x̂·mean(dy·x̂)) with x̂ = (x − μ)·inv, as dx += k·dy + c·(x − μ) + d.
            float k = scale[ch] * inv, cDev = 0f, d = 0f;
            if (batchStats)
            {
                int count = n * inner;
                cDev = -k * inv * (float)(sumDyXhat / count);
                d = -k * (float)(sumDy / count);
            }

            for (int b = 0; b < n; b++)
            {
                int off = (b * c + ch) * inner;
                PlaneKernels.AddAffineGradient(dy.AsSpan(off, inner), xd.AsSpan(off, inner), mu, k, cDev, d, dx.AsSpan(off, inner));
            }
        });
    }
}
