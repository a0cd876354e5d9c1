using System.Numerics.Tensors;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Batch statistics for small planes (resnet18-32's 4×4, 2×2 and 1×1 stages, the head's [N, C] input): a plane of a few
/// floats per (image, channel) makes the per-plane kernels mostly call overhead, so here each image's whole C·inner row
/// is one vector operation (per-channel values expanded to the row's length), channels split across the threads in
/// contiguous ranges. Every value's arithmetic depends only on its channel: bit-identical for any thread count.
/// </summary>
internal sealed partial class BatchNormOp
{
    /// <summary>Planes smaller than this take the across-channels path in training.</summary>
    internal const int SmallPlaneInner = 32;

    /// <summary>Floats of work (batch × channel range) per thread part: enough parts for both cores on resnet18-32's stages, none for tiny layers.</summary>
    private const int PartFloats = 65536;

    // Per row position j = ch·inner + i: [0] accumulator, [1] second accumulator, [2] scratch, [3] mean, [4] k or a, [5] c or shift, [6] d.
    private float[][] _rows = [];

    private float[][] Rows(int length)
    {
        if (_rows.Length == 0 || _rows[0].Length < length)
        {
            _rows = Enumerable.Range(0, 7).Select(_ => new float[length]).ToArray();
        }

        return _rows;
    }

    private static int Parts(int n, int c, int inner) => (int)Math.Clamp((long)n * c * inner / PartFloats, 1, c);

    /// <summary>Training forward: batch mean (two-pass variance), running-statistics update values, y = a·x + shift.</summary>
    private void ForwardAcrossChannels(float[] xd, float[] yd, int n, int c, int inner, float[] scale, float[] bias, float[] runMean, float[] runVar)
    {
        int row = c * inner, parts = Parts(n, c, inner);
        var r = Rows(row);
        float[] mean = _mean, invStd = _invStd, newMean = _newMean, newVar = _newVar;
        float eps = _epsilon, momentum = _momentum;
        int count = n * inner;
        Workers.For(parts, (long)n * row / parts, (part, _) =>
        {
            int c0 = (int)((long)c * part / parts), c1 = (int)((long)c * (part + 1) / parts);
            int j0 = c0 * inner, len = (c1 - c0) * inner;
            Span<float> sum = r[0].AsSpan(j0, len), sq = r[1].AsSpan(j0, len), dev = r[2].AsSpan(j0, len), mu = r[3].AsSpan(j0, len);
            Span<float> a = r[4].AsSpan(j0, len), shift = r[5].AsSpan(j0, len);
            sum.Clear();
            sq.Clear();
            for (int b = 0; b < n; b++)
            {
                TensorPrimitives.Add(sum, xd.AsSpan(b * row + j0, len), sum);
            }

            for (int ch = c0; ch < c1; ch++)
            {
                double s = 0;
                foreach (float v in sum.Slice((ch - c0) * inner, inner))
                {
                    s += v;
                }

                mean[ch] = (float)(s / count);
                mu.Slice((ch - c0) * inner, inner).Fill(mean[ch]);
            }

            for (int b = 0; b < n; b++)
            {
                TensorPrimitives.Subtract(xd.AsSpan(b * row + j0, len), mu, dev);
                TensorPrimitives.FusedMultiplyAdd(dev, dev, sq, sq);
            }

            for (int ch = c0; ch < c1; ch++)
            {
                double s = 0;
                foreach (float v in sq.Slice((ch - c0) * inner, inner))
                {
                    s += v;
                }

                double variance = s / count;
                float inv = (float)(1.0 / Math.Sqrt(variance + eps));
                invStd[ch] = inv;
                newMean[ch] = momentum * runMean[ch] + (1 - momentum) * mean[ch];
                newVar[ch] = momentum * runVar[ch] + (1 - momentum) * (float)variance;
                float ac = scale[ch] * inv;
                a.Slice((ch - c0) * inner, inner).Fill(ac);
                shift.Slice((ch - c0) * inner, inner).Fill(bias[ch] - mean[ch] * ac);
            }

            for (int b = 0; b < n; b++)
            {
                TensorPrimitives.FusedMultiplyAdd(xd.AsSpan(b * row + j0, len), a, shift, yd.AsSpan(b * row + j0, len));
            }
        });
    }

    /// <summary>Backward: Σdy and Σdy·(x − μ) per channel, then dx += k·dy + c·(x − μ) + d row by row.</summary>
    private void BackwardAcrossChannels(float[] xd, float[] dy, float[]? dx, float[]? dScale, float[]? dBias, int n, int c, int inner, float[] scale, bool batchStats)
    {
        int row = c * inner, parts = Parts(n, c, inner);
        var r = Rows(row);
        float[] mean = _mean, invStd = _invStd;
        int count = n * inner;
        Workers.For(parts, (long)n * row / parts, (part, _) =>
        {
            int c0 = (int)((long)c * part / parts), c1 = (int)((long)c * (part + 1) / parts);
            int j0 = c0 * inner, len = (c1 - c0) * inner;
            Span<float> sumDy = r[0].AsSpan(j0, len), sumDyDev = r[1].AsSpan(j0, len), dev = r[2].AsSpan(j0, len), mu = r[3].AsSpan(j0, len);
            Span<float> kRow = r[4].AsSpan(j0, len), cRow = r[5].AsSpan(j0, len), dRow = r[6].AsSpan(j0, len);
            sumDy.Clear();
            sumDyDev.Clear();
            for (int ch = c0; ch < c1; ch++)
            {
                mu.Slice((ch - c0) * inner, inner).Fill(mean[ch]);
            }

            for (int b = 0; b < n; b++)
            {
                ReadOnlySpan<float> g = dy.AsSpan(b * row + j0, len);
                TensorPrimitives.Add(sumDy, g, sumDy);
                TensorPrimitives.Subtract(xd.AsSpan(b * row + j0, len), mu, dev);
                TensorPrimitives.FusedMultiplyAdd(g, dev, sumDyDev, sumDyDev);
            }

            for (int ch = c0; ch < c1; ch++)
            {
                double g = 0, gd = 0;
                int o = (ch - c0) * inner;
                for (int i = 0; i < inner; i++)
                {
                    g += sumDy[o + i];
                    gd += sumDyDev[o + i];
                }

                float inv = invStd[ch];
                double sumDyXhat = gd * inv;
                if (dScale is not null)
                {
                    dScale[ch] += (float)sumDyXhat;
                }

                if (dBias is not null)
                {
                    dBias[ch] += (float)g;
                }

                float k = scale[ch] * inv, cDev = 0f, d = 0f;
                if (batchStats)
                {
                    cDev = -k * inv * (float)(sumDyXhat / count);
                    d = -k * (float)(g / count);
                }

                kRow.Slice(o, inner).Fill(k);
                cRow.Slice(o, inner).Fill(cDev);
                dRow.Slice(o, inner).Fill(d);
            }

            if (dx is null)
            {
                return;
            }

            for (int b = 0; b < n; b++)
            {
                Span<float> target = dx.AsSpan(b * row + j0, len);
                TensorPrimitives.Subtract(xd.AsSpan(b * row + j0, len), mu, dev);
                TensorPrimitives.FusedMultiplyAdd(dev, cRow, dRow, dev);
                TensorPrimitives.FusedMultiplyAdd(dy.AsSpan(b * row + j0, len), kRow, dev, dev);
                TensorPrimitives.Add(target, dev, target);
            }
        });
    }
}
