namespace AdmmNn.Data.Datasets;

/// <summary>The splits a run uses, read into memory, and where each came from.</summary>
/// <param name="Train">Trained on.</param>
/// <param name="Validation">Tuned on (null: none; the compressor then monitors the first test samples, as before).</param>
/// <param name="Test">Reported.</param>
/// <param name="Origins">Split name → where it came from.</param>
public sealed record LoadedData(LabeledImageSet Train, LabeledImageSet? Validation, LabeledImageSet Test, IReadOnlyDictionary<string, string> Origins);
