using System.Runtime.InteropServices;
using AdmmNn.Abstractions.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AdmmNn.OnnxRuntime;

/// <summary>
/// <see cref="TensorData"/> to and from ONNX Runtime's <see cref="OrtValue"/>: floating-point types travel as
/// <see cref="TensorData.Floats"/>, integer and boolean types as <see cref="TensorData.Int64s"/>, converted element by
/// element to and from the tensor's own width (ONNX's TensorProto.DataType numbers equal ONNX Runtime's).
/// </summary>
internal static class OrtTensors
{
    /// <summary>A new tensor owned by ONNX Runtime's allocator, holding <paramref name="tensor"/>'s values.</summary>
    public static OrtValue ToOrtValue(TensorData tensor, string name, OnnxRuntimeSession session)
    {
        var type = (int)tensor.ElementType;
        if (Width(type) is null) throw session.Error($"input '{name}': element type {tensor.ElementType} is not supported by AdmmNn's ONNX Runtime wrapper");
        var count = tensor.ElementCount;
        var values = (IsFloating(type) ? tensor.Floats?.Length : tensor.Int64s?.Length)
            ?? throw session.Error($"input '{name}': no values for element type {tensor.ElementType}");
        if (values != count) throw session.Error($"input '{name}': {values} values for dims [{string.Join(",", tensor.Dims)}]");

        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)type, tensor.Dims);
        var span = value.GetTensorMutableRawData();
        for (int i = 0; i < count; i++)
        {
            switch (type)
            {
                case 1: MemoryMarshal.Write(span[(i * 4)..], tensor.Floats![i]); break;
                case 11: MemoryMarshal.Write(span[(i * 8)..], (double)tensor.Floats![i]); break;
                case 10: MemoryMarshal.Write(span[(i * 2)..], (Half)tensor.Floats![i]); break;
                case 16: MemoryMarshal.Write(span[(i * 2)..], ToBFloat16(tensor.Floats![i])); break;
                case 7 or 13: MemoryMarshal.Write(span[(i * 8)..], tensor.Int64s![i]); break;
                case 6 or 12: MemoryMarshal.Write(span[(i * 4)..], (int)tensor.Int64s![i]); break;
                case 5 or 4: MemoryMarshal.Write(span[(i * 2)..], (short)tensor.Int64s![i]); break;
                default: span[i] = unchecked((byte)tensor.Int64s![i]); break; // uint8, int8, bool
            }
        }
        return value;
    }

    /// <summary>Copies an output tensor into a <see cref="TensorData"/>.</summary>
    public static TensorData FromOrtValue(OrtValue value, string name, OnnxRuntimeSession session)
    {
        if (!value.IsTensor) throw session.Error($"output '{name}' is a {value.OnnxType}, not a tensor");
        var info = value.GetTensorTypeAndShape();
        var type = (int)info.ElementDataType;
        if (Width(type) is null) throw session.Error($"output '{name}': element type {info.ElementDataType} is not supported by AdmmNn's ONNX Runtime wrapper");
        var count = checked((int)info.ElementCount);
        var data = value.GetTensorMutableRawData();
        var result = new TensorData { Name = name, Dims = info.Shape, ElementType = (ElementType)type };
        if (IsFloating(type))
        {
            var floats = new float[count];
            for (int i = 0; i < count; i++)
                floats[i] = type switch
                {
                    1 => MemoryMarshal.Read<float>(data[(i * 4)..]),
                    11 => (float)MemoryMarshal.Read<double>(data[(i * 8)..]),
                    16 => BitConverter.Int32BitsToSingle(MemoryMarshal.Read<ushort>(data[(i * 2)..]) << 16),
                    _ => (float)MemoryMarshal.Read<Half>(data[(i * 2)..]),
                };
            result.Floats = floats;
        }
        else
        {
            var longs = new long[count];
            for (int i = 0; i < count; i++)
                longs[i] = type switch
                {
                    7 or 13 => MemoryMarshal.Read<long>(data[(i * 8)..]),
                    6 => MemoryMarshal.Read<int>(data[(i * 4)..]),
                    12 => MemoryMarshal.Read<uint>(data[(i * 4)..]),
                    5 => MemoryMarshal.Read<short>(data[(i * 2)..]),
                    4 => MemoryMarshal.Read<ushort>(data[(i * 2)..]),
                    3 => (sbyte)data[i],
                    _ => data[i], // uint8, bool
                };
            result.Int64s = longs;
        }
        return result;
    }

    private static bool IsFloating(int type) => type is 1 or 10 or 11 or 16;

    // bfloat16 is the top half of a float32, rounded to nearest even; NaN stays NaN.
    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1)) >> 16);
    }

    // Bytes per element of the element types handled here (ONNX's TensorProto.DataType numbers).
    private static int? Width(int type) => type switch
    {
        1 or 6 or 12 => 4,
        7 or 11 or 13 => 8,
        4 or 5 or 10 or 16 => 2,
        2 or 3 or 9 => 1,
        _ => null,
    };
}
