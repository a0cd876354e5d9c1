using AdmmNn.Tensors.Optimizers.Schedules;

namespace AdmmNn.Core.Policy;

/// <summary>Length and learning rate of one phase.</summary>
public sealed record PhaseSchedule
{
    /// <summary>Epochs (fractional allowed; 0 skips the phase).</summary>
    public double Epochs { get; init; }

    /// <summary>Learning rate at the start of the phase (Adam or SGD per <see cref="CompressionSchedule.Optimizer"/>).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>
    /// <c>constant</c>, or <c>cosine</c>: the rate anneals from <see cref="LearningRate"/> to <see cref="FinalLearningRate"/>
    /// over the phase's batches. The rate is a function of the batch index, so a resumed run uses the same rates.
    /// </summary>
    public string Decay { get; init; } = "constant";

    /// <summary>Rate at the end of a <c>cosine</c> phase.</summary>
    public double FinalLearningRate { get; init; }

    /// <summary>
    /// ρ schedule of this ADMM phase (<c>admmPrune</c> or <c>admmQuantize</c> only), or null for the schedule's
    /// <see cref="CompressionSchedule.Rho"/>. The two ADMM problems differ: pruning wants ρ to grow slowly while the loss
    /// finds which weights to drop; quantization starts from a trained sparse model and needs ρ high enough to converge.
    /// A layer rule's own <c>rho</c> still wins.
    /// </summary>
    public RhoSchedule? Rho { get; init; }

    /// <summary>The rate per batch index over a phase of <paramref name="totalBatches"/> batches: the cosine reaches
    /// <see cref="FinalLearningRate"/> at the last batch.</summary>
    public LearningRateSchedule ScheduleFor(int totalBatches) => Decay == "cosine" && totalBatches > 1
        ? new CosineSchedule(LearningRate, totalBatches - 1, FinalLearningRate)
        : new ConstantSchedule(LearningRate);
}
