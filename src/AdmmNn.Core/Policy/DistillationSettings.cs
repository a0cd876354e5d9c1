namespace AdmmNn.Core.Policy;

/// <summary>
/// Optional <c>schedule.distillation</c>: every phase trains against the input model's own predictions as well as the
/// labels (Hinton et al. 2015). The dense model is the best description of the function the compressed one should keep,
/// and its soft targets carry more than the labels do — which matters most once few weights are left.
/// </summary>
public sealed record DistillationSettings
{
    /// <summary>α: weight of the soft (teacher) term; 1 − α goes to the labels' cross-entropy.</summary>
    public double Weight { get; init; } = 0.5;

    /// <summary>T: softmax temperature of both teacher and student in the soft term.</summary>
    public double Temperature { get; init; } = 4;
}
