using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Policy;

/// <summary>
/// The policy's <c>data</c> section: which part of the dataset a run uses (the defaults use all of it), the validation
/// fraction held out, and the preprocessing (declared once; recorded in the compressed model).
/// </summary>
public sealed record DataSelection
{
    /// <summary>Use only the first N training samples (null = all).</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Use only the first N test samples (null = all).</summary>
    public int? TestSamples { get; init; }

    /// <summary>
    /// Fraction of the training split held out (seeded by the policy's seed) as the validation split the run tunes on, when the
    /// dataset has no val split. Null: 0.1 for image folders, NumPy and CIFAR; none for the built-in IDX sets, whose monitor
    /// accuracy then stays on the first test samples as before (the result's <c>splits</c> says so).
    /// </summary>
    public double? ValidationFraction { get; init; }

    /// <summary>Colour, resize, crop, scale, mean/std and training augmentation; the default is pixel / 255.</summary>
    public ImagePreprocessing Preprocessing { get; init; } = ImagePreprocessing.Default;
}
