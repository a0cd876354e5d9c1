namespace AdmmNn.Data.Numpy;

/// <summary>The element types the NumPy reader accepts (little-endian or byte-sized).</summary>
public enum NpyDType
{
    /// <summary>|u1</summary>
    UInt8,

    /// <summary>|i1</summary>
    Int8,

    /// <summary>&lt;i2</summary>
    Int16,

    /// <summary>&lt;u2</summary>
    UInt16,

    /// <summary>&lt;i4</summary>
    Int32,

    /// <summary>&lt;u4</summary>
    UInt32,

    /// <summary>&lt;i8</summary>
    Int64,

    /// <summary>&lt;u8</summary>
    UInt64,

    /// <summary>&lt;f4</summary>
    Float32,
}
