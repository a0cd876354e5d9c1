namespace AdmmNn.Runtime.Format;

/// <summary>How quantized codes map back to values. Numeric values are the file's codes.</summary>
public enum LevelKind
{
    /// <summary>Not quantized: values are raw 32-bit floats.</summary>
    None = 0,
    /// <summary>A code indexes a table of distinct float values (32 bits each).</summary>
    Codebook = 1,
    /// <summary>A code is a two's-complement integer q; the value is <c>scale * q</c> with one 32-bit float scale.</summary>
    Scale = 2,
}
