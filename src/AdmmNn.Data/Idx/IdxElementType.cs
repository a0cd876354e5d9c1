namespace AdmmNn.Data.Idx;

/// <summary>The element type code in byte 2 of an IDX file's magic number.</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned byte (the only type MNIST-family files use).</summary>
    UnsignedByte = 0x08,

    /// <summary>Signed byte.</summary>
    SignedByte = 0x09,

    /// <summary>Big-endian 16-bit integer.</summary>
    Int16 = 0x0B,

    /// <summary>Big-endian 32-bit integer.</summary>
    Int32 = 0x0C,

    /// <summary>Big-endian 32-bit float.</summary>
    Float32 = 0x0D,

    /// <summary>Big-endian 64-bit float.</summary>
    Float64 = 0x0E,
}
