using System.Buffers.Binary;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using AdmmNn.Plugins.Onnx.Validation;
using Google.Protobuf;
using static AdmmNn.Plugins.Onnx.OnnxElementTypes;

namespace AdmmNn.Plugins.Onnx;

/// <summary>
/// <see cref="TensorProto"/> and <see cref="SparseTensorProto"/> to and from <see cref="TensorData"/>. Reading accepts
/// every place ONNX allows the values to be (typed fields, <c>raw_data</c>, external files); writing always uses
/// little-endian <c>raw_data</c>, which is what exporters produce and ONNX Runtime reads fastest.
/// </summary>
internal static class OnnxTensors
{
    /// <summary>Reads a dense tensor. <paramref name="where"/> names it in errors (e.g. "initializer 'fc1.weight'").</summary>
    internal static TensorData Read(TensorProto proto, string where, ExternalDataReader? external)
    {
        var type = proto.DataType;
        if (!IsSupported(type))
            throw new ModelFormatException($"{where}: data type {NameOf(type)} is not supported (supported: {SupportedList})");
        var dims = proto.Dims.ToArray();
        var count = ElementCount(dims, where);
        var result = new TensorData { Name = proto.Name, Dims = dims, ElementType = ToElementType(type) };

        ReadOnlySpan<byte> raw = default;
        bool haveRaw = false;
        if (proto.HasDataLocation && proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            if (external is null)
                throw new ModelFormatException($"{where}: data is in an external file, but the model was not read from a file");
            raw = external.Read(proto, RawByteCount(type, count), where);
            haveRaw = true;
        }
        else if (proto.HasRawData)
        {
            raw = proto.RawData.Span;
            haveRaw = true;
        }

        if (haveRaw)
        {
            var expected = RawByteCount(type, count);
            if (raw.Length != expected)
                throw new ModelFormatException($"{where}: raw_data has {raw.Length} bytes, but {NameOf(type)} dims [{string.Join(",", dims)}] need {expected}");
            if (IsFloating(type)) result.Floats = DecodeFloats(type, raw, (int)count);
            else result.Int64s = DecodeIntegers(type, raw, (int)count);
            return result;
        }

        switch (type)
        {
            case TFloat:
                CheckTypedCount(proto.FloatData.Count, count, "float_data", where);
                result.Floats = proto.FloatData.ToArray();
                break;
            case TDouble:
                CheckTypedCount(proto.DoubleData.Count, count, "double_data", where);
                result.Floats = proto.DoubleData.Select(d => (float)d).ToArray();
                break;
            case TFloat16 or TBFloat16:
                CheckTypedCount(proto.Int32Data.Count, count, "int32_data", where);
                result.Floats = proto.Int32Data.Select(bits => HalfBitsToFloat(type, (ushort)bits)).ToArray();
                break;
            case TInt64:
                CheckTypedCount(proto.Int64Data.Count, count, "int64_data", where);
                result.Int64s = proto.Int64Data.ToArray();
                break;
            case TUInt32 or TUInt64:
                CheckTypedCount(proto.Uint64Data.Count, count, "uint64_data", where);
                result.Int64s = proto.Uint64Data.Select(v => unchecked((long)v)).ToArray();
                break;
            case TInt4 or TUInt4:
                // int32_data holds the packed bytes, two 4-bit values per entry.
                CheckTypedCount(proto.Int32Data.Count, (count + 1) / 2, "int32_data", where);
                result.Int64s = DecodeIntegers(type, proto.Int32Data.Select(v => (byte)v).ToArray(), (int)count);
                break;
            default: // the 8/16/32-bit integer types and BOOL live in int32_data
                CheckTypedCount(proto.Int32Data.Count, count, "int32_data", where);
                result.Int64s = proto.Int32Data.Select(v => (long)v).ToArray();
                break;
        }
        return result;
    }

    /// <summary>Reads a sparse tensor as the equivalent dense one.</summary>
    internal static TensorData ReadSparse(SparseTensorProto sparse, string where, ExternalDataReader? external, SparseBudget budget)
    {
        if (sparse.Values is null || sparse.Indices is null)
            throw new ModelFormatException($"{where}: sparse tensor lacks values or indices");
        var name = sparse.Values.Name;
        where = name.Length > 0 && !where.Contains('\'') ? $"{where} '{OnnxFormat.Printable(name)}'" : where;
        // The dense form is allocated from the declared dims alone: check them before reading anything else.
        var dims = sparse.Dims.ToArray();
        var count = ElementCount(dims, where);
        budget.Take(count, where);
        var values = Read(sparse.Values, where + " (values)", external);
        var indices = Read(sparse.Indices, where + " (indices)", external);
        if (indices.Int64s is null || indices.ElementType != ElementType.Int64)
            throw new ModelFormatException($"{where}: sparse indices must be INT64");
        var nnz = values.ElementCount;
        if (values.Dims.Length != 1)
            throw new ModelFormatException($"{where}: sparse values must be one-dimensional, got [{string.Join(",", values.Dims)}]");
        var linear = new long[nnz];
        if (indices.Dims.Length == 1 && indices.Dims[0] == nnz)
        {
            Array.Copy(indices.Int64s, linear, nnz);
        }
        else if (indices.Dims.Length == 2 && indices.Dims[0] == nnz && indices.Dims[1] == dims.Length)
        {
            for (long i = 0; i < nnz; i++)
            {
                long index = 0;
                for (int d = 0; d < dims.Length; d++)
                {
                    var coordinate = indices.Int64s[i * dims.Length + d];
                    if (coordinate < 0 || coordinate >= dims[d])
                        throw new ModelFormatException($"{where}: sparse index {coordinate} out of range for dimension {d} of size {dims[d]}");
                    index = index * dims[d] + coordinate;
                }
                linear[i] = index;
            }
        }
        else
        {
            throw new ModelFormatException($"{where}: sparse indices have shape [{string.Join(",", indices.Dims)}], expected [{nnz}] or [{nnz},{dims.Length}]");
        }
        foreach (var index in linear)
            if (index < 0 || index >= count)
                throw new ModelFormatException($"{where}: sparse index {index} out of range for {count} elements");

        var dense = new TensorData { Name = name, Dims = dims, ElementType = values.ElementType };
        if (values.Floats is { } floats)
        {
            var data = new float[count];
            for (long i = 0; i < nnz; i++) data[linear[i]] = floats[i];
            dense.Floats = data;
        }
        else
        {
            var data = new long[count];
            for (long i = 0; i < nnz; i++) data[linear[i]] = values.Int64s![i];
            dense.Int64s = data;
        }
        return dense;
    }

    /// <summary>Writes a tensor as <c>raw_data</c>.</summary>
    internal static TensorProto Write(TensorData tensor, string where)
    {
        var type = (int)tensor.ElementType;
        if (!IsSupported(type))
            throw new ModelFormatException($"{where}: element type {NameOf(type)} cannot be written (supported: {SupportedList})");
        var count = ElementCount(tensor.Dims, where);
        var proto = new TensorProto { Name = tensor.Name, DataType = type };
        proto.Dims.AddRange(tensor.Dims);
        byte[] raw;
        if (IsFloating(type))
        {
            var values = tensor.Floats ?? throw new ModelFormatException($"{where}: {NameOf(type)} tensor has no Floats");
            if (values.Length != count) throw new ModelFormatException($"{where}: {values.Length} values for dims [{string.Join(",", tensor.Dims)}]");
            raw = EncodeFloats(type, values);
        }
        else
        {
            var values = tensor.Int64s ?? throw new ModelFormatException($"{where}: {NameOf(type)} tensor has no Int64s");
            if (values.Length != count) throw new ModelFormatException($"{where}: {values.Length} values for dims [{string.Join(",", tensor.Dims)}]");
            raw = EncodeIntegers(type, values);
        }
        proto.RawData = ByteString.CopyFrom(raw);
        return proto;
    }

    /// <summary>The element count of <paramref name="dims"/>, refusing negative dims and counts an array cannot hold.</summary>
    internal static long ElementCount(long[] dims, string where)
    {
        if (dims.Length > OnnxLimits.MaxRank)
            throw new ModelFormatException($"{where}: rank {dims.Length} exceeds the limit of {OnnxLimits.MaxRank}");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0) throw new ModelFormatException($"{where}: negative dimension {d} in [{string.Join(",", dims)}]");
            if (d != 0 && count > Array.MaxLength / d)
                throw new ModelFormatException($"{where}: dims [{string.Join(",", dims)}] describe more than {Array.MaxLength} elements (more than an array can hold)");
            count *= d;
        }
        return count;
    }

    private static void CheckTypedCount(int actual, long expected, string field, string where)
    {
        if (actual != expected)
            throw new ModelFormatException($"{where}: {field} has {actual} values, but the dims need {expected}");
    }

    private static float HalfBitsToFloat(int type, ushort bits) =>
        type == TBFloat16 ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);

    private static ushort FloatToHalfBits(int type, float value)
    {
        if (type == TFloat16) return BitConverter.HalfToUInt16Bits((Half)value);
        // bfloat16: round to nearest even on the dropped 16 bits; NaN stays NaN.
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        var rounding = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }

    private static float[] DecodeFloats(int type, ReadOnlySpan<byte> raw, int count)
    {
        // The common case (float32 weights on a little-endian machine) is a straight copy.
        if (type == TFloat && BitConverter.IsLittleEndian) return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray();
        var result = new float[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = type switch
            {
                TFloat => BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]),
                TDouble => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]),
                _ => HalfBitsToFloat(type, BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..])),
            };
        }
        return result;
    }

    private static long[] DecodeIntegers(int type, ReadOnlySpan<byte> raw, int count)
    {
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = type switch
            {
                TUInt8 => raw[i],
                TInt8 => (sbyte)raw[i],
                TBool => raw[i] != 0 ? 1 : 0,
                TUInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]),
                TInt16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(i * 2)..]),
                TInt32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(i * 4)..]),
                TUInt32 => BinaryPrimitives.ReadUInt32LittleEndian(raw[(i * 4)..]),
                TInt64 => BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]),
                TUInt64 => unchecked((long)BinaryPrimitives.ReadUInt64LittleEndian(raw[(i * 8)..])),
                // 4-bit: element 2k in the low nibble of byte k, element 2k+1 in the high nibble.
                TUInt4 => (raw[i / 2] >> (4 * (i & 1))) & 0xF,
                TInt4 => ((sbyte)(raw[i / 2] << (4 - 4 * (i & 1)))) >> 4,
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
        }
        return result;
    }

    private static byte[] EncodeFloats(int type, float[] values)
    {
        if (type == TFloat && BitConverter.IsLittleEndian) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var raw = new byte[RawByteCount(type, values.Length)];
        for (int i = 0; i < values.Length; i++)
        {
            switch (type)
            {
                case TFloat: BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]); break;
                case TDouble: BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8), values[i]); break;
                default: BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(i * 2), FloatToHalfBits(type, values[i])); break;
            }
        }
        return raw;
    }

    private static byte[] EncodeIntegers(int type, long[] values)
    {
        var raw = new byte[RawByteCount(type, values.Length)];
        for (int i = 0; i < values.Length; i++)
        {
            var v = values[i];
            switch (type)
            {
                case TUInt8 or TInt8: raw[i] = unchecked((byte)v); break;
                case TBool: raw[i] = v != 0 ? (byte)1 : (byte)0; break;
                case TUInt16 or TInt16: BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(i * 2), unchecked((ushort)v)); break;
                case TInt32 or TUInt32: BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(i * 4), unchecked((uint)v)); break;
                case TInt64 or TUInt64: BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), v); break;
                case TUInt4 or TInt4: raw[i / 2] |= (byte)((v & 0xF) << (4 * (i & 1))); break;
                default: throw new ArgumentOutOfRangeException(nameof(type));
            }
        }
        return raw;
    }
}
