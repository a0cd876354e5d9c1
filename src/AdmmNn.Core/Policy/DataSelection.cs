namespace AdmmNn.Core.Policy;

/// <summary>Which part of the dataset a run uses; the defaults use all of it.</summary>
public sealed record DataSelection
{
    /// <summary>Use only the first N training samples (null = all).</summary>
    public int? TrainSamples { get; init; }

    /// <summary>Use only the first N test samples (null = all).</summary>
    public int? TestSamples { get; init; }
}
