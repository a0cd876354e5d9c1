namespace AdmmNn.Tensors.Training;

/// <summary>One mini-batch from a <see cref="DataLoader"/>. Its buffers are reused: valid until the next batch.</summary>
/// <param name="Images">Samples, [Count, sampleShape…].</param>
/// <param name="Labels">Labels, length Count.</param>
public sealed record Batch(Tensor Images, int[] Labels)
{
    /// <summary>Samples in the batch.</summary>
    public int Count => Labels.Length;
}
