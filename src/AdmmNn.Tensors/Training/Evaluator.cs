using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Training;

/// <summary>Evaluates a classifier in inference mode.</summary>
public static class Evaluator
{
    /// <summary>Top-1 accuracy and mean cross-entropy of <paramref name="model"/> on the samples (training mode restored after).</summary>
    public static EvaluationResult Evaluate(GraphModule model, float[] images, int[] labels, int[] sampleShape, int batchSize) =>
        Evaluate(model, new DataLoader(images, labels, sampleShape, batchSize, shuffle: false, seed: 0));

    /// <summary>
    /// Top-1 accuracy and mean cross-entropy over <paramref name="batches"/> (e.g. streamed from disk; training mode restored
    /// after). Batches of the same samples in the same order give the same result, bit for bit, as the array overload.
    /// </summary>
    public static EvaluationResult Evaluate(GraphModule model, IEnumerable<Batch> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        bool training = model.Training;
        model.Training = false;
        try
        {
            double lossSum = 0;
            int correct = 0;
            int n = 0;
            foreach (var batch in batches)
            {
                var logits = model.ForwardShared(batch.Images);
                var (loss, ok) = CrossEntropyLoss.Compute(logits.AsSpan(), logits.Shape[^1], batch.Labels, []);
                lossSum += loss * batch.Count;
                correct += ok;
                n += batch.Count;
            }

            return new EvaluationResult(n == 0 ? 0 : (double)correct / n, n == 0 ? 0 : lossSum / n, n);
        }
        finally
        {
            model.Training = training;
        }
    }

    /// <summary>
    /// The logits of the first <paramref name="count"/> samples of <paramref name="images"/> in inference mode, as
    /// [count, classes] row-major (training mode restored after).
    /// </summary>
    public static float[] Logits(GraphModule model, float[] images, int count, int[] sampleShape, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        bool training = model.Training;
        model.Training = false;
        try
        {
            float[] logits = [];
            var classes = 0;
            for (var start = 0; start < count; start += batchSize)
            {
                var n = Math.Min(batchSize, count - start);
                var batch = new Tensor([n, .. sampleShape]);
                images.AsSpan(start * sampleSize, n * sampleSize).CopyTo(batch.AsSpan());
                var output = model.ForwardShared(batch);
                if (start == 0)
                {
                    classes = output.Size / n;
                    logits = new float[count * classes];
                }

                output.AsSpan().CopyTo(logits.AsSpan(start * classes, n * classes));
            }

            return logits;
        }
        finally
        {
            model.Training = training;
        }
    }
}
