using System.Runtime.InteropServices;

namespace AdmmNn.OnnxRuntime.Native;

/// <summary>
/// ONNX Runtime's <c>OrtApi</c> function table, fetched once per process. Slots 0–101 have been frozen since API
/// version 1; each index used here was checked against <c>onnxruntime_c_api.h</c> and by calling it (see
/// docs/platform notes). Every call that returns an <c>OrtStatus*</c> goes through <see cref="Check"/>.
/// </summary>
internal sealed unsafe class OrtApi
{
    // The API version requested: old enough for any ONNX Runtime since 1.11, and the slots used are all below 102.
    private const uint RequestedApiVersion = 11;

    // PublicationOnly: a failed load (library missing) is not cached, so a later call can succeed once the library is there.
    private static readonly Lazy<OrtApi> Shared = new(Load, LazyThreadSafetyMode.PublicationOnly);

    private readonly nint* table;

    private OrtApi(nint* table, string version, string path)
    {
        this.table = table;
        Version = version;
        LibraryPath = path;
    }

    /// <summary>The process-wide table; loads the library on first use.</summary>
    internal static OrtApi Instance => Shared.Value;

    /// <summary>ONNX Runtime's version string, e.g. 1.30.0.</summary>
    internal string Version { get; }

    /// <summary>The library file loaded.</summary>
    internal string LibraryPath { get; }

    private static OrtApi Load()
    {
        var path = OnnxRuntimeLocator.Locate();
        nint library;
        try
        {
            library = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException ex)
        {
            throw new OnnxRuntimeNotFoundException($"{path}: cannot be loaded ({ex.Message})");
        }
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBase))
            throw new OnnxRuntimeNotFoundException($"{path}: has no OrtGetApiBase export; not ONNX Runtime?");
        // struct OrtApiBase { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }
        var apiBase = ((delegate* unmanaged<nint*>)getApiBase)();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersion = (delegate* unmanaged<nint>)apiBase[1];
        var version = Marshal.PtrToStringUTF8(getVersion()) ?? "?";
        var table = getApi(RequestedApiVersion);
        if (table is null)
            throw new OnnxRuntimeNotFoundException($"{path}: ONNX Runtime {version} does not provide API version {RequestedApiVersion}");
        return new OrtApi(table, version, path);
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> with ONNX Runtime's message when <paramref name="status"/> is an error; always releases it.</summary>
    internal void Check(nint status)
    {
        if (status == 0) return;
        int code;
        string message;
        try
        {
            code = ((delegate* unmanaged<nint, int>)table[1])(status); // GetErrorCode
            message = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint, nint>)table[2])(status)) ?? "unknown error"; // GetErrorMessage
        }
        finally
        {
            ((delegate* unmanaged<nint, void>)table[93])(status); // ReleaseStatus
        }
        throw new OnnxRuntimeException(message, code);
    }

    // --- Creation (each returns OrtStatus*) ---

    internal nint CreateEnv(int logLevel, nint logId, out nint env)
    {
        fixed (nint* p = &env) return ((delegate* unmanaged<int, nint, nint*, nint>)table[3])(logLevel, logId, p);
    }

    internal nint CreateSession(nint env, nint modelPath, nint options, out nint session)
    {
        fixed (nint* p = &session) return ((delegate* unmanaged<nint, nint, nint, nint*, nint>)table[7])(env, modelPath, options, p);
    }

    internal nint CreateSessionFromArray(nint env, void* data, nuint length, nint options, out nint session)
    {
        fixed (nint* p = &session) return ((delegate* unmanaged<nint, void*, nuint, nint, nint*, nint>)table[8])(env, data, length, options, p);
    }

    internal nint Run(nint session, nint runOptions, nint* inputNames, nint* inputs, nuint inputCount, nint* outputNames, nuint outputCount, nint* outputs) =>
        ((delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9])(session, runOptions, inputNames, inputs, inputCount, outputNames, outputCount, outputs);

    internal nint CreateSessionOptions(out nint options)
    {
        fixed (nint* p = &options) return ((delegate* unmanaged<nint*, nint>)table[10])(p);
    }

    internal nint SetSessionGraphOptimizationLevel(nint options, int level) => ((delegate* unmanaged<nint, int, nint>)table[23])(options, level);

    internal nint SetIntraOpNumThreads(nint options, int threads) => ((delegate* unmanaged<nint, int, nint>)table[24])(options, threads);

    internal nint SessionGetInputCount(nint session, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged<nint, nuint*, nint>)table[30])(session, p);
    }

    internal nint SessionGetOutputCount(nint session, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged<nint, nuint*, nint>)table[31])(session, p);
    }

    internal nint SessionGetInputName(nint session, nuint index, nint allocator, out nint name)
    {
        fixed (nint* p = &name) return ((delegate* unmanaged<nint, nuint, nint, nint*, nint>)table[36])(session, index, allocator, p);
    }

    internal nint SessionGetOutputName(nint session, nuint index, nint allocator, out nint name)
    {
        fixed (nint* p = &name) return ((delegate* unmanaged<nint, nuint, nint, nint*, nint>)table[37])(session, index, allocator, p);
    }

    internal nint CreateTensorWithDataAsOrtValue(nint memoryInfo, void* data, nuint byteLength, long* shape, nuint rank, int elementType, out nint value)
    {
        fixed (nint* p = &value)
            return ((delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49])(memoryInfo, data, byteLength, shape, rank, elementType, p);
    }

    internal nint GetTensorMutableData(nint value, out void* data)
    {
        fixed (void** p = &data) return ((delegate* unmanaged<nint, void**, nint>)table[51])(value, p);
    }

    internal nint GetTensorElementType(nint info, out int type)
    {
        fixed (int* p = &type) return ((delegate* unmanaged<nint, int*, nint>)table[60])(info, p);
    }

    internal nint GetDimensionsCount(nint info, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged<nint, nuint*, nint>)table[61])(info, p);
    }

    internal nint GetDimensions(nint info, long* dims, nuint count) => ((delegate* unmanaged<nint, long*, nuint, nint>)table[62])(info, dims, count);

    internal nint GetTensorShapeElementCount(nint info, out nuint count)
    {
        fixed (nuint* p = &count) return ((delegate* unmanaged<nint, nuint*, nint>)table[64])(info, p);
    }

    internal nint GetTensorTypeAndShape(nint value, out nint info)
    {
        fixed (nint* p = &info) return ((delegate* unmanaged<nint, nint*, nint>)table[65])(value, p);
    }

    internal nint CreateCpuMemoryInfo(int allocatorType, int memoryType, out nint info)
    {
        fixed (nint* p = &info) return ((delegate* unmanaged<int, int, nint*, nint>)table[69])(allocatorType, memoryType, p);
    }

    internal nint AllocatorFree(nint allocator, nint pointer) => ((delegate* unmanaged<nint, nint, nint>)table[76])(allocator, pointer);

    internal nint GetAllocatorWithDefaultOptions(out nint allocator)
    {
        fixed (nint* p = &allocator) return ((delegate* unmanaged<nint*, nint>)table[78])(p);
    }

    // --- Release functions (return void) ---

    internal void ReleaseEnv(nint env) => ((delegate* unmanaged<nint, void>)table[92])(env);

    internal void ReleaseMemoryInfo(nint info) => ((delegate* unmanaged<nint, void>)table[94])(info);

    internal void ReleaseSession(nint session) => ((delegate* unmanaged<nint, void>)table[95])(session);

    internal void ReleaseValue(nint value) => ((delegate* unmanaged<nint, void>)table[96])(value);

    internal void ReleaseTensorTypeAndShapeInfo(nint info) => ((delegate* unmanaged<nint, void>)table[99])(info);

    internal void ReleaseSessionOptions(nint options) => ((delegate* unmanaged<nint, void>)table[100])(options);
}
