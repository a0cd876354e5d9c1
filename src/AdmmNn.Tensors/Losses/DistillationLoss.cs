namespace AdmmNn.Tensors.Losses;

/// <summary>
/// Knowledge distillation (Hinton et al. 2015): <c>(1 − α)·CE(z, y) + α·T²·KL(softmax(t/T) ‖ softmax(z/T))</c>, averaged
/// over the batch, where z are the student's logits and t a fixed teacher's. The T² factor keeps the soft term's gradient
/// on the scale of the hard one, so α means the same at every temperature.
/// </summary>
public static class DistillationLoss
{
    /// <summary>
    /// Returns the mean loss and the student's correct top-1 count; when <paramref name="gradient"/> is not empty it receives
    /// d(mean loss)/dz = ((1 − α)(softmax(z) − onehot) + α·T·(softmax(z/T) − softmax(t/T)))/N.
    /// </summary>
    public static (double Loss, int Correct) Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> teacherLogits, int classes,
        ReadOnlySpan<int> labels, double weight, double temperature, Span<float> gradient)
    {
        if (teacherLogits.Length != logits.Length)
        {
            throw new ArgumentException($"Distillation: {teacherLogits.Length} teacher logits for {logits.Length} student logits.");
        }

        if (weight is < 0 or > 1 || !(temperature > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), $"Distillation: weight must be in [0,1] and temperature > 0 (got {weight}, {temperature}).");
        }

        var (hard, correct) = CrossEntropyLoss.Compute(logits, classes, labels, gradient);
        int n = labels.Length;
        bool wantGrad = !gradient.IsEmpty;
        Span<double> student = stackalloc double[classes];
        Span<double> teacher = stackalloc double[classes];
        double soft = 0;
        double scale = weight * temperature / Math.Max(1, n);
        for (int i = 0; i < n; i++)
        {
            var z = logits.Slice(i * classes, classes);
            var t = teacherLogits.Slice(i * classes, classes);
            double logZs = Softmax(z, temperature, student);
            double logZt = Softmax(t, temperature, teacher);
            for (int c = 0; c < classes; c++)
            {
                // KL(p_t ‖ p_s) = Σ p_t (log p_t − log p_s), with log p = x/T − logZ.
                if (teacher[c] > 0)
                {
                    soft += teacher[c] * ((t[c] / temperature - logZt) - (z[c] / temperature - logZs));
                }
            }

            if (wantGrad)
            {
                var g = gradient.Slice(i * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    g[c] = (float)((1 - weight) * g[c] + scale * (student[c] - teacher[c]));
                }
            }
        }

        double loss = (1 - weight) * hard + weight * temperature * temperature * soft / Math.Max(1, n);
        return (loss, correct);
    }

    /// <summary>softmax(x/T) into <paramref name="p"/>; returns log Σ exp(x/T).</summary>
    private static double Softmax(ReadOnlySpan<float> x, double temperature, Span<double> p)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < x.Length; c++)
        {
            max = Math.Max(max, x[c] / temperature);
        }

        double sum = 0;
        for (int c = 0; c < x.Length; c++)
        {
            p[c] = Math.Exp(x[c] / temperature - max);
            sum += p[c];
        }

        for (int c = 0; c < x.Length; c++)
        {
            p[c] /= sum;
        }

        return Math.Log(sum) + max;
    }
}
