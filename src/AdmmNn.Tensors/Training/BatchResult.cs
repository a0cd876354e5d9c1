namespace AdmmNn.Tensors.Training;

/// <summary>Outcome of one training step.</summary>
/// <param name="Loss">Mean cross-entropy of the batch (before the step).</param>
/// <param name="Correct">Correct top-1 predictions in the batch.</param>
/// <param name="Count">Samples in the batch.</param>
public readonly record struct BatchResult(double Loss, int Correct, int Count)
{
    /// <summary>Fraction correct.</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;
}
