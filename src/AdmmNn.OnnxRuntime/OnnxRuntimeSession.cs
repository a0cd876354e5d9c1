using System.Runtime.InteropServices;
using AdmmNn.Abstractions.Models;
using AdmmNn.OnnxRuntime.Native;

namespace AdmmNn.OnnxRuntime;

/// <summary>
/// One model loaded into ONNX Runtime (through its C API, library found by <see cref="OnnxRuntimeLocator"/>).
/// Inputs and outputs are <see cref="TensorData"/>: float32/64, float16 and bfloat16 as <see cref="TensorData.Floats"/>, integer and
/// boolean types as <see cref="TensorData.Int64s"/>. Not thread-safe for concurrent disposal; <see cref="Run"/> may
/// be called from several threads, as ONNX Runtime allows.
/// </summary>
public sealed unsafe class OnnxRuntimeSession : IDisposable
{
    private const int LogLevelError = 3;
    private const int GraphOptimizationNone = 0, GraphOptimizationAll = 99;
    private const int ArenaAllocator = 1, MemTypeDefault = 0;

    private static readonly Lazy<OrtEnvHandle> Environment = new(CreateEnvironment, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<OrtMemoryInfoHandle> CpuMemory = new(CreateCpuMemory, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly OrtSessionHandle session;

    private OnnxRuntimeSession(OrtSessionHandle session)
    {
        this.session = session;
        InputNames = ReadNames(isInput: true);
        OutputNames = ReadNames(isInput: false);
    }

    /// <summary>The ONNX Runtime version loaded (loads the library if needed).</summary>
    public static string RuntimeVersion => OrtApi.Instance.Version;

    /// <summary>The ONNX Runtime library file loaded (loads the library if needed).</summary>
    public static string RuntimeLibraryPath => OrtApi.Instance.LibraryPath;

    /// <summary>The model's input names, in order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The model's output names, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Loads a model file (external data resolves relative to it).</summary>
    public static OnnxRuntimeSession FromFile(string path, OnnxRuntimeSessionOptions? options = null)
    {
        var api = OrtApi.Instance;
        using var sessionOptions = CreateOptions(options ?? new());
        var handle = new OrtSessionHandle();
        // ORTCHAR_T is char on Linux and macOS, wchar_t on Windows.
        var nativePath = OperatingSystem.IsWindows() ? Marshal.StringToHGlobalUni(path) : Marshal.StringToCoTaskMemUTF8(path);
        try
        {
            api.Check(api.CreateSession(Environment.Value.Pointer, nativePath, sessionOptions.Pointer, out var pointer));
            handle.Own(pointer);
        }
        finally
        {
            if (OperatingSystem.IsWindows()) Marshal.FreeHGlobal(nativePath); else Marshal.FreeCoTaskMem(nativePath);
        }
        return new OnnxRuntimeSession(handle);
    }

    /// <summary>Loads a model from ONNX bytes (no external data).</summary>
    public static OnnxRuntimeSession FromBytes(ReadOnlySpan<byte> model, OnnxRuntimeSessionOptions? options = null)
    {
        var api = OrtApi.Instance;
        using var sessionOptions = CreateOptions(options ?? new());
        var handle = new OrtSessionHandle();
        fixed (byte* data = model)
        {
            api.Check(api.CreateSessionFromArray(Environment.Value.Pointer, data, (nuint)model.Length, sessionOptions.Pointer, out var pointer));
            handle.Own(pointer);
        }
        return new OnnxRuntimeSession(handle);
    }

    /// <summary>Runs a single-input, single-float-output model: the first output for <paramref name="input"/> of <paramref name="shape"/>.</summary>
    public float[] Run(float[] input, long[] shape, out long[] outputShape)
    {
        var outputs = Run(new Dictionary<string, TensorData> { [InputNames[0]] = TensorData.FromFloats(InputNames[0], shape, input) }, [OutputNames[0]]);
        var output = outputs[OutputNames[0]];
        outputShape = output.Dims;
        return output.Floats ?? throw new OnnxRuntimeException($"output '{OutputNames[0]}' is not a floating-point tensor");
    }

    /// <summary>Runs the model; returns the requested outputs (all when <paramref name="outputNames"/> is null) by name.</summary>
    public Dictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> inputs, IReadOnlyList<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var api = OrtApi.Instance;
        outputNames ??= OutputNames;
        var inputList = inputs.ToList();
        int inCount = inputList.Count, outCount = outputNames.Count;
        var inputValues = new OrtValueHandle[inCount];
        var buffers = new nint[inCount];
        var nativeInputNames = new nint[inCount];
        var nativeOutputNames = new nint[outCount];
        var inputPointers = new nint[inCount];
        var outputPointers = new nint[outCount];
        var outputValues = new OrtValueHandle[outCount];
        bool sessionAdded = false;
        try
        {
            session.DangerousAddRef(ref sessionAdded);
            for (int i = 0; i < inCount; i++)
            {
                nativeInputNames[i] = Marshal.StringToCoTaskMemUTF8(inputList[i].Key);
                inputValues[i] = CreateTensor(inputList[i].Value, inputList[i].Key, out buffers[i]);
                inputPointers[i] = inputValues[i].Pointer;
            }
            for (int i = 0; i < outCount; i++) nativeOutputNames[i] = Marshal.StringToCoTaskMemUTF8(outputNames[i]);

            fixed (nint* inNames = nativeInputNames, inValues = inputPointers, outNames = nativeOutputNames, outValues = outputPointers)
            {
                api.Check(api.Run(session.Pointer, 0, inNames, inValues, (nuint)inCount, outNames, (nuint)outCount, outValues));
            }
            // ONNX Runtime allocated the outputs; owning them by SafeHandle at once frees them whatever happens next.
            for (int i = 0; i < outCount; i++)
            {
                outputValues[i] = new OrtValueHandle();
                outputValues[i].Own(outputPointers[i]);
            }

            var results = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            for (int i = 0; i < outCount; i++) results[outputNames[i]] = ReadTensor(outputPointers[i], outputNames[i]);
            return results;
        }
        finally
        {
            foreach (var value in outputValues) value?.Dispose();
            foreach (var value in inputValues) value?.Dispose();
            foreach (var buffer in buffers) if (buffer != 0) NativeMemory.Free((void*)buffer);
            foreach (var name in nativeInputNames) Marshal.FreeCoTaskMem(name);
            foreach (var name in nativeOutputNames) Marshal.FreeCoTaskMem(name);
            if (sessionAdded) session.DangerousRelease();
        }
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static OrtEnvHandle CreateEnvironment()
    {
        var api = OrtApi.Instance;
        var handle = new OrtEnvHandle();
        var logId = Marshal.StringToCoTaskMemUTF8("admmnn");
        try
        {
            api.Check(api.CreateEnv(LogLevelError, logId, out var env));
            handle.Own(env);
        }
        finally
        {
            Marshal.FreeCoTaskMem(logId);
        }
        return handle;
    }

    private static OrtMemoryInfoHandle CreateCpuMemory()
    {
        var api = OrtApi.Instance;
        var handle = new OrtMemoryInfoHandle();
        api.Check(api.CreateCpuMemoryInfo(ArenaAllocator, MemTypeDefault, out var info));
        handle.Own(info);
        return handle;
    }

    private static OrtSessionOptionsHandle CreateOptions(OnnxRuntimeSessionOptions options)
    {
        var api = OrtApi.Instance;
        var handle = new OrtSessionOptionsHandle();
        api.Check(api.CreateSessionOptions(out var pointer));
        handle.Own(pointer);
        api.Check(api.SetIntraOpNumThreads(pointer, options.IntraOpThreads));
        api.Check(api.SetSessionGraphOptimizationLevel(pointer, options.OptimizeGraph ? GraphOptimizationAll : GraphOptimizationNone));
        return handle;
    }

    private IReadOnlyList<string> ReadNames(bool isInput)
    {
        var api = OrtApi.Instance;
        api.Check(api.GetAllocatorWithDefaultOptions(out var allocator));
        api.Check(isInput ? api.SessionGetInputCount(session.Pointer, out var count) : api.SessionGetOutputCount(session.Pointer, out count));
        var names = new string[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            api.Check(isInput ? api.SessionGetInputName(session.Pointer, i, allocator, out var name) : api.SessionGetOutputName(session.Pointer, i, allocator, out name));
            try
            {
                names[i] = Marshal.PtrToStringUTF8(name) ?? "";
            }
            finally
            {
                api.Check(api.AllocatorFree(allocator, name));
            }
        }
        return names;
    }

    /// <summary>Copies <paramref name="tensor"/> into native memory (freed by the caller after Run) and wraps it as an OrtValue.</summary>
    private static OrtValueHandle CreateTensor(TensorData tensor, string name, out nint buffer)
    {
        var api = OrtApi.Instance;
        var type = (int)tensor.ElementType;
        var count = tensor.ElementCount;
        var width = NativeWidth(type) ?? throw new OnnxRuntimeException($"input '{name}': element type {tensor.ElementType} is not supported by this binding");
        var values = (IsFloating(type) ? tensor.Floats?.Length : tensor.Int64s?.Length)
            ?? throw new OnnxRuntimeException($"input '{name}': no values for element type {tensor.ElementType}");
        if (values != count) throw new OnnxRuntimeException($"input '{name}': {values} values for dims [{string.Join(",", tensor.Dims)}]");
        var bytes = (nuint)(count * width);
        buffer = (nint)NativeMemory.Alloc(Math.Max(bytes, 1));
        var span = new Span<byte>((void*)buffer, (int)bytes);
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
        var handle = new OrtValueHandle();
        fixed (long* shape = tensor.Dims)
        {
            api.Check(api.CreateTensorWithDataAsOrtValue(CpuMemory.Value.Pointer, (void*)buffer, bytes, shape, (nuint)tensor.Dims.Length, type, out var value));
            handle.Own(value);
        }
        return handle;
    }

    private static TensorData ReadTensor(nint value, string name)
    {
        var api = OrtApi.Instance;
        using var info = new OrtTensorInfoHandle();
        api.Check(api.GetTensorTypeAndShape(value, out var infoPointer));
        info.Own(infoPointer);
        api.Check(api.GetTensorElementType(infoPointer, out var type));
        api.Check(api.GetDimensionsCount(infoPointer, out var rank));
        var dims = new long[(int)rank];
        fixed (long* d = dims) api.Check(api.GetDimensions(infoPointer, d, rank));
        api.Check(api.GetTensorShapeElementCount(infoPointer, out var elementCount));
        var count = (int)elementCount;
        if (NativeWidth(type) is null) throw new OnnxRuntimeException($"output '{name}': element type {type} is not supported by this binding");
        api.Check(api.GetTensorMutableData(value, out var data));
        var result = new TensorData { Name = name, Dims = dims, ElementType = (ElementType)type };
        if (IsFloating(type))
        {
            var floats = new float[count];
            for (int i = 0; i < count; i++)
                floats[i] = type switch
                {
                    1 => ((float*)data)[i],
                    11 => (float)((double*)data)[i],
                    16 => BitConverter.Int32BitsToSingle(((ushort*)data)[i] << 16),
                    _ => (float)((Half*)data)[i],
                };
            result.Floats = floats;
        }
        else
        {
            var longs = new long[count];
            for (int i = 0; i < count; i++)
            {
                longs[i] = type switch
                {
                    7 => ((long*)data)[i],
                    13 => ((long*)data)[i],
                    6 => ((int*)data)[i],
                    12 => ((uint*)data)[i],
                    5 => ((short*)data)[i],
                    4 => ((ushort*)data)[i],
                    3 => ((sbyte*)data)[i],
                    _ => ((byte*)data)[i], // uint8, bool
                };
            }
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

    // Bytes per element of the ONNXTensorElementDataType values (equal to ONNX's TensorProto.DataType) handled here.
    private static int? NativeWidth(int type) => type switch
    {
        1 or 6 or 12 => 4,
        7 or 11 or 13 => 8,
        4 or 5 or 10 or 16 => 2,
        2 or 3 or 9 => 1,
        _ => null,
    };
}
