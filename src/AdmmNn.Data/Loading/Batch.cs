namespace AdmmNn.Data.Loading;

/// <summary>One batch from <see cref="StreamingLoader"/>: model inputs N×C×H×W and labels.</summary>
/// <param name="Index">Position of the batch in its epoch.</param>
/// <param name="Images">Count × C×H×W preprocessed floats.</param>
/// <param name="Labels">Count labels.</param>
/// <param name="Count">Samples in the batch (the last batch of an epoch may be smaller).</param>
public sealed record Batch(int Index, float[] Images, int[] Labels, int Count);
