namespace AdmmNn.Tensors.Losses;

/// <summary>Softmax cross-entropy over logits [N, classes] with integer labels, averaged over the batch.</summary>
public static class CrossEntropyLoss
{
    /// <summary>
    /// Returns the mean loss and the number of correct top-1 predictions; when <paramref name="gradient"/> is not
    /// empty it receives d(mean loss)/d(logits) = (softmax − one-hot)/N.
    /// </summary>
    public static (double Loss, int Correct) Compute(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        int n = labels.Length;
        if (classes <= 0 || logits.Length != n * classes)
        {
            throw new ArgumentException($"Cross-entropy: {logits.Length} logits do not form {n} rows of {classes} classes.");
        }

        bool wantGrad = !gradient.IsEmpty;
        if (wantGrad && gradient.Length != logits.Length)
        {
            throw new ArgumentException("Cross-entropy: gradient buffer has the wrong length.", nameof(gradient));
        }

        double total = 0;
        int correct = 0;
        float invN = 1f / Math.Max(1, n);
        for (int i = 0; i < n; i++)
        {
            var row = logits.Slice(i * classes, classes);
            int label = labels[i];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentException($"Cross-entropy: label {label} of sample {i} is outside [0, {classes}).");
            }

            int best = 0;
            float max = row[0];
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > max)
                {
                    max = row[c];
                    best = c;
                }
            }

            if (best == label)
            {
                correct++;
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(row[c] - max);
            }

            double logSum = Math.Log(sum) + max;
            total += logSum - row[label];
            if (wantGrad)
            {
                var g = gradient.Slice(i * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    g[c] = (float)Math.Exp(row[c] - logSum) * invN;
                }

                g[label] -= invN;
            }
        }

        return (total / Math.Max(1, n), correct);
    }
}
