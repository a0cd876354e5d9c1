using AdmmNn.Abstractions.Models;
using Microsoft.ML.OnnxRuntime;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace AdmmNn.OnnxRuntime;

/// <summary>
/// One model loaded into ONNX Runtime (the Microsoft.ML.OnnxRuntime package), shaped for AdmmNn: inputs and outputs are
/// <see cref="TensorData"/> (float32/64, float16 and bfloat16 as <see cref="TensorData.Floats"/>, integer and boolean
/// types as <see cref="TensorData.Int64s"/>), thread settings come from <see cref="OnnxRuntimeSessionOptions"/>, and every
/// error is an <see cref="OnnxRuntimeException"/> that names the model file. <see cref="Run(IReadOnlyDictionary{string, TensorData}, IReadOnlyList{string})"/>
/// may be called from several threads, as ONNX Runtime allows; disposal may not race with it.
/// </summary>
public sealed class OnnxRuntimeSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly string source;
    private bool disposed;

    private OnnxRuntimeSession(InferenceSession session, string source)
    {
        this.session = session;
        this.source = source;
        InputNames = [.. session.InputNames];
        OutputNames = [.. session.OutputNames];
    }

    /// <summary>The ONNX Runtime version loaded (loads the native library if needed).</summary>
    public static string RuntimeVersion => Guard(() => OrtEnv.Instance().GetVersionString(), "ONNX Runtime");

    /// <summary>The model's input names, in order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The model's output names, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Loads a model file (external data resolves relative to it); errors name <paramref name="path"/>.</summary>
    public static OnnxRuntimeSession FromFile(string path, OnnxRuntimeSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Guard(() =>
        {
            using var sessionOptions = CreateOptions(options ?? new());
            return new OnnxRuntimeSession(new InferenceSession(path, sessionOptions), path);
        }, path);
    }

    /// <summary>Loads a model from ONNX bytes (no external data).</summary>
    public static OnnxRuntimeSession FromBytes(ReadOnlySpan<byte> model, OnnxRuntimeSessionOptions? options = null)
    {
        var bytes = model.ToArray();
        return Guard(() =>
        {
            using var sessionOptions = CreateOptions(options ?? new());
            return new OnnxRuntimeSession(new InferenceSession(bytes, sessionOptions), "model bytes");
        }, "model bytes");
    }

    /// <summary>Runs a single-input, single-float-output model: the first output for <paramref name="input"/> of <paramref name="shape"/>.</summary>
    public float[] Run(float[] input, long[] shape, out long[] outputShape)
    {
        var outputs = Run(new Dictionary<string, TensorData> { [InputNames[0]] = TensorData.FromFloats(InputNames[0], shape, input) }, [OutputNames[0]]);
        var output = outputs[OutputNames[0]];
        outputShape = output.Dims;
        return output.Floats ?? throw Error($"output '{OutputNames[0]}' is not a floating-point tensor");
    }

    /// <summary>Runs the model; returns the requested outputs (all when <paramref name="outputNames"/> is null) by name.</summary>
    public Dictionary<string, TensorData> Run(IReadOnlyDictionary<string, TensorData> inputs, IReadOnlyList<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(disposed, this);
        outputNames ??= OutputNames;
        var names = inputs.Keys.ToArray();
        var values = new List<OrtValue>(names.Length);
        try
        {
            foreach (var name in names) values.Add(OrtTensors.ToOrtValue(inputs[name], name, this));
            using var runOptions = new RunOptions();
            using var outputs = Guard(() => session.Run(runOptions, names, values, outputNames), source);
            var results = new Dictionary<string, TensorData>(StringComparer.Ordinal);
            int i = 0;
            foreach (var output in outputs) results[outputNames[i]] = OrtTensors.FromOrtValue(output, outputNames[i++], this);
            return results;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        session.Dispose();
    }

    /// <summary>An error about this session's model, naming it.</summary>
    internal OnnxRuntimeException Error(string message) => new($"{source}: {message}");

    private static SessionOptions CreateOptions(OnnxRuntimeSessionOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            GraphOptimizationLevel = options.OptimizeGraph ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        return sessionOptions;
    }

    /// <summary>
    /// Runs <paramref name="action"/>, turning ONNX Runtime's exception into ours (prefixed with <paramref name="source"/>)
    /// and a missing native library into <see cref="OnnxRuntimeNotFoundException"/>.
    /// </summary>
    private static T Guard<T>(Func<T> action, string source)
    {
        try
        {
            return action();
        }
        catch (OrtException ex)
        {
            throw new OnnxRuntimeException($"{source}: {ex.Message.ReplaceLineEndings(" ").Trim()}", ex);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException || ex is TypeInitializationException { InnerException: DllNotFoundException or EntryPointNotFoundException })
        {
            var cause = (ex.InnerException ?? ex).Message.ReplaceLineEndings(" ");
            throw new OnnxRuntimeNotFoundException(
                $"ONNX Runtime's native library cannot be loaded ({cause.Split(". ")[0].TrimEnd('.')}): it ships in the Microsoft.ML.OnnxRuntime " +
                "package, which the AdmmNn.Tool package carries for linux-x64; AdmmNn.Build's copy of the tool and the tool for other platforms leave it out", ex);
        }
    }
}
