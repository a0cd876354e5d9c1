namespace AdmmNn.Abstractions.Models;

/// <summary>Tensor element types. Values equal ONNX's <c>TensorProto.DataType</c> numbers.</summary>
public enum ElementType
{
    /// <summary>Not set.</summary>
    Undefined = 0,
    /// <summary>32-bit IEEE float.</summary>
    Float32 = 1,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
    /// <summary>Boolean.</summary>
    Bool = 9,
    /// <summary>64-bit IEEE float.</summary>
    Float64 = 11,
    /// <summary>Signed 4-bit integer, two per byte.</summary>
    Int4 = 22,
}
