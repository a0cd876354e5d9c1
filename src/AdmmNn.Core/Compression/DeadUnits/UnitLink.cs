namespace AdmmNn.Core.Compression.DeadUnits;

/// <summary>
/// A layer whose output units (Conv filters, Gemm outputs) are read by exactly one other layer, through ops that map
/// unit k of the producer to unit k of the reader's input and keep a constant zero zero (ReLU, MaxPool, Identity,
/// Flatten). Unit k is made by <see cref="ProducerEntries"/>[k] (and the bias entry k) and read by
/// <see cref="ConsumerEntries"/>[k] (flat indices into the weight tensors).
/// </summary>
internal sealed class UnitLink
{
    /// <summary>Initializer name of the producing layer's weight.</summary>
    public required string ProducerWeight { get; init; }

    /// <summary>Initializer name of the producing layer's bias (one entry per unit), or null.</summary>
    public string? ProducerBias { get; init; }

    /// <summary>True when a ReLU lies between the layers (a negative constant then reaches the reader as zero).</summary>
    public required bool ThroughRelu { get; init; }

    /// <summary>Initializer name of the reading layer's weight.</summary>
    public required string ConsumerWeight { get; init; }

    /// <summary>Per unit: the producer weight entries that make it.</summary>
    public required int[][] ProducerEntries { get; init; }

    /// <summary>Per unit: the consumer weight entries that read it.</summary>
    public required int[][] ConsumerEntries { get; init; }

    /// <summary>Number of units.</summary>
    public int Units => ProducerEntries.Length;
}
