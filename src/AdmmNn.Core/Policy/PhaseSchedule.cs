namespace AdmmNn.Core.Policy;

/// <summary>Length and learning rate of one phase.</summary>
public sealed class PhaseSchedule
{
    /// <summary>Epochs (fractional allowed; 0 skips the phase).</summary>
    public double Epochs { get; set; }

    /// <summary>Learning rate at the start of the phase (Adam or SGD per <see cref="CompressionSchedule.Optimizer"/>).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>
    /// <c>constant</c>, or <c>cosine</c>: the rate anneals from <see cref="LearningRate"/> to <see cref="FinalLearningRate"/>
    /// over the phase's batches. The rate is a function of the batch index, so a resumed run uses the same rates.
    /// </summary>
    public string Decay { get; set; } = "constant";

    /// <summary>Rate at the end of a <c>cosine</c> phase.</summary>
    public double FinalLearningRate { get; set; }

    /// <summary>The rate for batch <paramref name="batch"/> of <paramref name="totalBatches"/>.</summary>
    public double RateAt(int batch, int totalBatches)
    {
        if (Decay != "cosine" || totalBatches <= 1) return LearningRate;
        var t = Math.Clamp((double)batch / (totalBatches - 1), 0, 1);
        return FinalLearningRate + (LearningRate - FinalLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
