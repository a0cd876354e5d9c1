namespace AdmmNn.Core.Policy;

/// <summary>Length and learning rate of one phase.</summary>
public sealed class PhaseSchedule
{
    /// <summary>Epochs (fractional allowed; 0 skips the phase).</summary>
    public double Epochs { get; set; }

    /// <summary>Learning rate (constant within the phase; Adam or SGD per <see cref="CompressionSchedule.Optimizer"/>).</summary>
    public double LearningRate { get; set; } = 1e-3;
}
