namespace AdmmNn.Runtime.Format;

/// <summary>Constants of the <c>.admmnn</c> layout (see docs/format.md).</summary>
internal static class PackedFormat
{
    /// <summary>File signature: 0x89 "ADMMNN" 0x1A.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'A', (byte)'D', (byte)'M', (byte)'M', (byte)'N', (byte)'N', 0x1A];

    /// <summary>The newest version this code writes and reads. Version 2 added the Rice-coded sparse encodings.</summary>
    public const ushort Version = 2;

    /// <summary>The oldest version this code reads.</summary>
    public const ushort OldestVersion = 1;

    /// <summary>The first version with <see cref="TensorEncoding.SparseRice"/> and <see cref="TensorEncoding.SparseQuantizedRice"/>.</summary>
    public const ushort RiceVersion = 2;

    /// <summary>Whether <paramref name="encoding"/> stores Golomb–Rice coded relative indices (format version 2).</summary>
    public static bool IsRiceCoded(TensorEncoding encoding) => encoding is TensorEncoding.SparseRice or TensorEncoding.SparseQuantizedRice;

    /// <summary>
    /// The version a file needs: the oldest whose encodings it uses, so a file without Rice-coded tensors stays readable
    /// by version-1 readers.
    /// </summary>
    public static ushort VersionFor(IEnumerable<TensorStoragePlan> plans) => plans.Any(p => p.IsRiceCoded) ? RiceVersion : OldestVersion;

    /// <summary>Magic (8) + version (2) + flags (2) + graph length (4) + payload length (8).</summary>
    public const int HeaderBytes = 24;

    /// <summary>The CRC-32 after the payload.</summary>
    public const int TrailerBytes = 4;

    /// <summary>Storage code of a tensor whose integer values sit inline in the graph section.</summary>
    public const byte InlineIntegers = 0;

    /// <summary>Storage code of a float tensor stored in the payload under a <see cref="TensorStoragePlan"/>.</summary>
    public const byte PackedFloats = 1;

    /// <summary>
    /// A reader refuses files whose tensors (and per-sample activations) declare more elements than this many per byte
    /// of file: it bounds what a file can make the loader allocate. Real compressed models stay far below it
    /// (LeNet-5 at 80x pruning and 3 bits: about 70 weights per file byte).
    /// </summary>
    public const long MaxElementsPerFileByte = 1024;

    /// <summary>Largest tensor rank accepted.</summary>
    public const int MaxRank = 8;
}
