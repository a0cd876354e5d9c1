using System.Numerics.Tensors;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Ops;

/// <summary>The weight gradient of <see cref="ConvOp"/> on <see cref="DirectWeightGradient"/> (no column matrix, no per-chunk partials).</summary>
internal sealed partial class ConvOp
{
    /// <summary>Floats of prepared input and channels-last dY one worker holds per group of images (about 256 KB: L2).</summary>
    private const int WeightGradientGroupFloats = 64 * 1024;

    // dWᵀ (K × Cout) the kernel accumulates into; added into dW transposed at the end.
    private float[] _weightGradientT = [];

    /// <summary>Whether dW (and db) run on <see cref="DirectWeightGradient"/>: chosen per shape unless im2col is forced.</summary>
    private bool UsesDirectWeightGradient(ConvPlan plan) =>
        _group == 1 && Algorithm is not ConvAlgorithm.Im2Col && ConvAlgorithmRule.PrefersOuterProductWeightGradient(DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout));

    /// <summary>
    /// dW += Σ over the batch (and db += Σ of dY per channel): the taps are split into contiguous ranges, one per work
    /// item; each item walks all images in order in L2-sized groups, preparing the input channels its taps read and the
    /// channels-last dY. Each dW entry is summed by one item in a fixed order: bit-identical for any thread count.
    /// </summary>
    private void DirectWeightGradientBackward(ConvPlan plan, float[] xd, float[] dyd, float[] dw, float[]? db, int threads)
    {
        var layout = DirectLayout(ref _direct, plan.G, plan.Cin, plan.Cout);
        int k = layout.K, cout = plan.Cout, n = plan.N, ohw = plan.OutHW;
        int inputFloats = DirectWeightGradient.InputFloats(layout), gradientFloats = DirectWeightGradient.GradientFloats(layout);
        int group = Math.Clamp(WeightGradientGroupFloats / (inputFloats + gradientFloats), 1, n);
        int blocks = (k + DirectWeightGradient.TapBlock - 1) / DirectWeightGradient.TapBlock;
        int items = Math.Min(threads, blocks);
        if (_weightGradientT.Length < k * cout)
        {
            _weightGradientT = new float[k * cout];
        }

        float[] dwt = _weightGradientT;
        var buffers = _workspace.Get(items, group * inputFloats, group * gradientFloats);
        int inSize = plan.Cin * plan.InHW, outSize = cout * ohw;
        Workers.For(items, layout.IssuedMacs * n, threads, (item, worker) =>
        {
            int k0 = Math.Min(k, (int)((long)blocks * item / items) * DirectWeightGradient.TapBlock);
            int k1 = Math.Min(k, (int)((long)blocks * (item + 1) / items) * DirectWeightGradient.TapBlock);
            if (k1 <= k0)
            {
                return;
            }

            dwt.AsSpan(k0 * cout, (k1 - k0) * cout).Clear();
            var (first, last) = DirectWeightGradient.Channels(layout, k0, k1);
            float[] inputs = buffers.Col[worker], gradients = buffers.Tmp[worker];
            for (int i0 = 0; i0 < n; i0 += group)
            {
                int count = Math.Min(group, n - i0);
                for (int i = 0; i < count; i++)
                {
                    DirectWeightGradient.PrepareChannels(layout, xd.AsSpan((i0 + i) * inSize, inSize), first, last, inputs.AsSpan(i * inputFloats, inputFloats));
                    DirectWeightGradient.TransposeGradient(dyd.AsSpan((i0 + i) * outSize, outSize), cout, ohw, gradients.AsSpan(i * gradientFloats, gradientFloats));
                }

                DirectWeightGradient.Accumulate(layout, inputs, inputFloats, gradients, count, k0, k1, dwt);
            }
        });

        Workers.For(cout, (long)k + (db is null ? 0 : (long)n * ohw), threads, (co, _) =>
        {
            Span<float> row = dw.AsSpan(co * k, k);
            for (int t = 0; t < k; t++)
            {
                row[t] += dwt[t * cout + co];
            }

            if (db is not null)
            {
                db[co] += BiasGradient(dyd, n, cout, ohw, co);
            }
        });
    }

    /// <summary>
    /// Channel <paramref name="co"/>'s bias gradient: the sum of its dY plane over the images, image by image in order (a fixed
    /// order: the same bits for any thread count).
    /// </summary>
    private static float BiasGradient(float[] dyd, int n, int cout, int ohw, int co)
    {
        float sum = 0f;
        for (int i = 0; i < n; i++)
        {
            sum += TensorPrimitives.Sum(dyd.AsSpan((i * cout + co) * ohw, ohw));
        }

        return sum;
    }
}
