namespace AdmmNn.Runtime.Format;

/// <summary>
/// The exact storage cost of one float tensor under the cheapest encoding <see cref="StorageAccounting"/> found.
/// The packed file stores exactly <see cref="TotalBits"/> bits for the tensor, padded to a whole byte
/// (<see cref="PayloadBytes"/>).
/// </summary>
public sealed record TensorStoragePlan
{
    /// <summary>The encoding chosen.</summary>
    public required TensorEncoding Encoding { get; init; }

    /// <summary>How codes map to values (<see cref="LevelKind.None"/> for raw floats).</summary>
    public required LevelKind Levels { get; init; }

    /// <summary>Number of elements of the tensor (the product of its shape).</summary>
    public required long Count { get; init; }

    /// <summary>Number of nonzero elements (both +0 and -0 count as zero).</summary>
    public required long NonZeros { get; init; }

    /// <summary>Bits per stored value: 32 for raw floats, else the code width (0 when only one level exists).</summary>
    public required int CodeBits { get; init; }

    /// <summary>
    /// Bits per relative index for fixed-width sparse encodings; the Golomb–Rice parameter (0..31) for Rice-coded ones,
    /// whose index for a gap of g zeros takes floor(g / 2^k) + 1 + k bits; 0 for dense encodings.
    /// </summary>
    public required int IndexBits { get; init; }

    /// <summary>Zero-valued entries inserted where a gap between nonzeros overflows <see cref="IndexBits"/>.</summary>
    public required long FillerEntries { get; init; }

    /// <summary>Number of stored entries: <see cref="Count"/> for dense encodings, nonzeros plus fillers for sparse ones.</summary>
    public long Entries => Encoding is TensorEncoding.Dense or TensorEncoding.Quantized ? Count : NonZeros + FillerEntries;

    /// <summary>Whether the tensor is stored as nonzero entries with relative indices (fixed-width or Rice-coded).</summary>
    public bool IsSparse => Encoding is not (TensorEncoding.Dense or TensorEncoding.Quantized);

    /// <summary>Whether the relative indices are Golomb–Rice coded (<see cref="TensorEncoding.SparseRice"/>, <see cref="TensorEncoding.SparseQuantizedRice"/>).</summary>
    public bool IsRiceCoded => PackedFormat.IsRiceCoded(Encoding);

    /// <summary>Mean index bits per nonzero, rounded up: what a consumer streams per nonzero (0 for dense encodings).</summary>
    public int MeanIndexBitsPerNonZero => NonZeros == 0 ? 0 : (int)((IndexBitsTotal + NonZeros - 1) / NonZeros);

    /// <summary>Number of codebook entries (0 unless <see cref="Levels"/> is <see cref="LevelKind.Codebook"/>).</summary>
    public required int CodebookEntries { get; init; }

    /// <summary>Bits of all stored values or codes: entries × <see cref="CodeBits"/>.</summary>
    public required long CodeBitsTotal { get; init; }

    /// <summary>Bits of all relative indices: entries × <see cref="IndexBits"/> at a fixed width, the sum of the codewords when Rice-coded.</summary>
    public required long IndexBitsTotal { get; init; }

    /// <summary>Bits of the codebook (32 per entry) or of the scale (32); 0 for raw floats.</summary>
    public required long CodebookBits { get; init; }

    /// <summary>Sum of code, index and codebook bits.</summary>
    public required long TotalBits { get; init; }

    /// <summary>Bytes the tensor occupies in a packed file's payload: ceil(<see cref="TotalBits"/> / 8).</summary>
    public long PayloadBytes => (TotalBits + 7) / 8;
}
