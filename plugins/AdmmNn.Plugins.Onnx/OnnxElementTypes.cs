using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx;

/// <summary>Which ONNX tensor data types map onto <see cref="TensorData"/>, and how wide they are.</summary>
internal static class OnnxElementTypes
{
    // ONNX TensorProto.DataType numbers; ElementType's values equal them, so unnamed ones are cast.
    internal const int TFloat = 1, TUInt8 = 2, TInt8 = 3, TUInt16 = 4, TInt16 = 5, TInt32 = 6, TInt64 = 7, TString = 8, TBool = 9,
        TFloat16 = 10, TDouble = 11, TUInt32 = 12, TUInt64 = 13, TComplex64 = 14, TComplex128 = 15, TBFloat16 = 16, TUInt4 = 21, TInt4 = 22;

    /// <summary>Names for messages, by ONNX number.</summary>
    internal static string NameOf(int type) => type switch
    {
        0 => "UNDEFINED", TFloat => "FLOAT", TUInt8 => "UINT8", TInt8 => "INT8", TUInt16 => "UINT16", TInt16 => "INT16",
        TInt32 => "INT32", TInt64 => "INT64", TString => "STRING", TBool => "BOOL", TFloat16 => "FLOAT16", TDouble => "DOUBLE",
        TUInt32 => "UINT32", TUInt64 => "UINT64", TComplex64 => "COMPLEX64", TComplex128 => "COMPLEX128", TBFloat16 => "BFLOAT16",
        17 => "FLOAT8E4M3FN", 18 => "FLOAT8E4M3FNUZ", 19 => "FLOAT8E5M2", 20 => "FLOAT8E5M2FNUZ", TUInt4 => "UINT4", TInt4 => "INT4",
        _ => $"data type {type}",
    };

    /// <summary>Types held in <see cref="TensorData.Floats"/>.</summary>
    internal static bool IsFloating(int type) => type is TFloat or TFloat16 or TDouble or TBFloat16;

    /// <summary>Types held in <see cref="TensorData.Int64s"/>.</summary>
    internal static bool IsInteger(int type) =>
        type is TUInt8 or TInt8 or TUInt16 or TInt16 or TInt32 or TInt64 or TBool or TUInt32 or TUInt64 or TUInt4 or TInt4;

    /// <summary>True for every type this importer can read.</summary>
    internal static bool IsSupported(int type) => IsFloating(type) || IsInteger(type);

    /// <summary>The supported types, for error messages.</summary>
    internal static string SupportedList => "FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8/16/32/64, UINT8/16/32/64, BOOL, INT4, UINT4";

    /// <summary>Bytes in <c>raw_data</c> for <paramref name="count"/> elements.</summary>
    internal static long RawByteCount(int type, long count) => type switch
    {
        TUInt8 or TInt8 or TBool => count,
        TUInt16 or TInt16 or TFloat16 or TBFloat16 => count * 2,
        TFloat or TInt32 or TUInt32 => count * 4,
        TInt64 or TUInt64 or TDouble => count * 8,
        TUInt4 or TInt4 => (count + 1) / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>The element type as the contract's enum (values equal ONNX's numbers).</summary>
    internal static ElementType ToElementType(int type) => (ElementType)type;
}
