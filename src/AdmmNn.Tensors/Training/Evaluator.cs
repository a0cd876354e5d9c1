using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Training;

/// <summary>Evaluates a classifier in inference mode.</summary>
public static class Evaluator
{
    /// <summary>Top-1 accuracy and mean cross-entropy of <paramref name="model"/> on the samples (training mode restored after).</summary>
    public static EvaluationResult Evaluate(GraphModule model, float[] images, int[] labels, int[] sampleShape, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool training = model.Training;
        model.Training = false;
        try
        {
            double lossSum = 0;
            int correct = 0;
            foreach (var batch in new DataLoader(images, labels, sampleShape, batchSize, shuffle: false, seed: 0))
            {
                var logits = model.ForwardShared(batch.Images);
                var (loss, ok) = CrossEntropyLoss.Compute(logits.AsSpan(), logits.Shape[^1], batch.Labels, []);
                lossSum += loss * batch.Count;
                correct += ok;
            }

            int n = labels.Length;
            return new EvaluationResult(n == 0 ? 0 : (double)correct / n, n == 0 ? 0 : lossSum / n, n);
        }
        finally
        {
            model.Training = training;
        }
    }
}
