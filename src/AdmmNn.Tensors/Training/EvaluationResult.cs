namespace AdmmNn.Tensors.Training;

/// <summary>Accuracy and mean cross-entropy over a dataset.</summary>
/// <param name="Accuracy">Fraction of samples whose top-1 prediction is the label.</param>
/// <param name="Loss">Mean cross-entropy.</param>
/// <param name="Count">Samples evaluated.</param>
public sealed record EvaluationResult(double Accuracy, double Loss, int Count);
