namespace AdmmNn.Runtime;

/// <summary>Load-time settings of a <see cref="CompressedModel"/>.</summary>
public sealed record CompressedModelOptions
{
    /// <summary>Threads a batch run splits its samples across (1 = the calling thread only).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Kernel selection for weight layers.</summary>
    public KernelChoice Kernels { get; init; } = KernelChoice.Auto;
}
