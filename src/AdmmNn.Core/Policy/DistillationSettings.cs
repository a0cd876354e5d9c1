namespace AdmmNn.Core.Policy;

/// <summary>
/// Optional <c>schedule.distillation</c>: every phase trains against a teacher's predictions as well as the labels (Hinton
/// et al. 2015). The teacher is the input model unless <see cref="Teacher"/> names another one (e.g. a larger network
/// trained longer): the dense model is the best description of the function the compressed one should keep, and its soft
/// targets carry more than the labels do — which matters most once few weights are left. (On LeNet-5 at 300× a stronger
/// teacher did not beat the input model: docs/policy.md.)
/// </summary>
public sealed record DistillationSettings
{
    /// <summary>α: weight of the soft (teacher) term; 1 − α goes to the labels' cross-entropy.</summary>
    public double Weight { get; init; } = 0.5;

    /// <summary>T: softmax temperature of both teacher and student in the soft term.</summary>
    public double Temperature { get; init; } = 4;

    /// <summary>
    /// The teacher model file (the policy's <c>teacher</c>, resolved against the policy file's folder), or null for the
    /// input model. It must take the student's input shape and give its class count.
    /// </summary>
    public string? Teacher { get; init; }
}
