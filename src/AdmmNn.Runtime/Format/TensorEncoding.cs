namespace AdmmNn.Runtime.Format;

/// <summary>How one float tensor's values are stored in a packed model. Numeric values are the file's encoding codes.</summary>
public enum TensorEncoding
{
    /// <summary>Every value as a 32-bit float.</summary>
    Dense = 0,
    /// <summary>Every value as a k-bit code into a codebook of distinct values, or a signed multiple of one scale.</summary>
    Quantized = 1,
    /// <summary>Nonzero values as 32-bit floats, each with a fixed-width relative index (zeros skipped since the previous entry).</summary>
    Sparse = 2,
    /// <summary>Nonzero values as k-bit codes with fixed-width relative indices; zero is implicit.</summary>
    SparseQuantized = 3,
    /// <summary>As <see cref="Sparse"/>, with each relative index Golomb–Rice coded (format version 2): no filler entries.</summary>
    SparseRice = 4,
    /// <summary>As <see cref="SparseQuantized"/>, with each relative index Golomb–Rice coded (format version 2): no filler entries.</summary>
    SparseQuantizedRice = 5,
}
