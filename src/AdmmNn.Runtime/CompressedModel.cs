using System.Reflection;
using AdmmNn.Runtime.Execution;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Format;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Runtime;

/// <summary>
/// A compressed model ready to run: loads a packed <c>.admmnn</c> file and executes it directly with sparse kernels for
/// layers below their break-even density and dense kernels elsewhere. Immutable after loading, so one instance can serve
/// concurrent <see cref="Run(ReadOnlySpan{float}, Span{float})"/> calls from any number of threads.
/// </summary>
public sealed class CompressedModel
{
    /// <summary>Samples per chunk in batch runs: activations of 16 LeNet-sized samples fit in L2.</summary>
    private const int ChunkSize = 16;

    private readonly ExecutionPlan _plan;
    private readonly int _threads;
    private readonly bool _batchable;

    private CompressedModel(PackedModel packed, CompressedModelOptions options)
    {
        (_plan, var layers) = GraphCompiler.Compile(packed, options.Kernels);
        Layers = layers;
        Summary = packed.Summary;
        _threads = Math.Max(1, options.Threads);
        InputName = packed.Graph.Inputs.First(i => packed.Graph.Initializer(i.Name) is null).Name;
        OutputName = packed.Graph.Outputs[0].Name;
        InputShape = (int[])_plan.SampleShape.Clone();
        var one = _plan.ShapesFor(1)[_plan.OutputSlot];
        OutputShape = one.Length > 0 && one[0] == 1 ? one[1..] : one;
        InputSize = Shapes.Size(InputShape);
        OutputSize = Shapes.Size(one);
        try
        {
            var two = _plan.ShapesFor(2)[_plan.OutputSlot];
            _batchable = Shapes.Size(two) == 2 * OutputSize;
        }
        catch (ShapeException)
        {
            _batchable = false;
        }
        Metadata = packed.Graph.Metadata;
        try
        {
            Preprocessing = ImagePreprocessing.FromMetadata(Metadata);
        }
        catch (FormatException ex)
        {
            throw new InvalidModelException(0, $"metadata {ImagePreprocessing.MetadataKey}", ex.Message);
        }
    }

    /// <summary>Loads a packed model from a stream (read to its end).</summary>
    /// <exception cref="InvalidModelException">The stream is not a valid packed model, or uses what the runtime cannot run.</exception>
    public static CompressedModel Load(Stream stream, CompressedModelOptions? options = null) =>
        new(PackedModelReader.Read(stream), options ?? new CompressedModelOptions());

    /// <summary>Loads a file this process generated itself, without the per-file-byte size limit.</summary>
    internal static CompressedModel LoadTrusted(byte[] bytes, CompressedModelOptions options) =>
        new(PackedModelReader.Read(bytes, int.MaxValue / 2), options);

    /// <summary>Loads a packed model from its bytes.</summary>
    /// <exception cref="InvalidModelException">The bytes are not a valid packed model.</exception>
    public static CompressedModel Load(byte[] bytes, CompressedModelOptions? options = null) =>
        new(PackedModelReader.Read(bytes), options ?? new CompressedModelOptions());

    /// <summary>Loads a packed model embedded in <paramref name="assembly"/> under the manifest resource name <paramref name="name"/>.</summary>
    /// <exception cref="FileNotFoundException">No such resource (the message lists the ones there are).</exception>
    /// <exception cref="InvalidModelException">The resource is not a valid packed model.</exception>
    public static CompressedModel FromResource(Assembly assembly, string name, CompressedModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(name);
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException(
                $"Assembly '{assembly.GetName().Name}' has no embedded resource '{name}'; it has: {string.Join(", ", assembly.GetManifestResourceNames())}.");
        return Load(stream, options);
    }

    /// <summary>Name of the model's input.</summary>
    public string InputName { get; }

    /// <summary>Name of the output <see cref="Run(ReadOnlySpan{float}, Span{float})"/> returns.</summary>
    public string OutputName { get; }

    /// <summary>Shape of one input sample (without the batch dimension).</summary>
    public int[] InputShape { get; }

    /// <summary>Shape of one output sample (without the batch dimension).</summary>
    public int[] OutputShape { get; }

    /// <summary>Floats per input sample.</summary>
    public int InputSize { get; }

    /// <summary>Floats per output sample.</summary>
    public int OutputSize { get; }

    /// <summary>Size breakdown and storage plans of the packed file.</summary>
    public PackedModelSummary Summary { get; }

    /// <summary>Weight layers and the kernel each runs with.</summary>
    public IReadOnlyList<CompressedLayerInfo> Layers { get; }

    /// <summary>The model's metadata (compression facts and the like).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Runs one sample: <paramref name="input"/> has <see cref="InputSize"/> floats, <paramref name="output"/> receives <see cref="OutputSize"/>.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputSize) throw new ArgumentException($"Input has {input.Length} floats; the model takes {InputSize} ({Shapes.Format(InputShape)}).", nameof(input));
        if (output.Length < OutputSize) throw new ArgumentException($"Output has room for {output.Length} floats; the model produces {OutputSize}.", nameof(output));
        _plan.Run(input, 1, output[..OutputSize]);
    }

    /// <summary>Runs <paramref name="batchSize"/> samples stored back to back; outputs likewise.</summary>
    public unsafe void Run(ReadOnlySpan<float> inputs, int batchSize, Span<float> outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        if (inputs.Length != (long)batchSize * InputSize) throw new ArgumentException($"Inputs hold {inputs.Length} floats, not {batchSize} x {InputSize}.", nameof(inputs));
        if (outputs.Length < (long)batchSize * OutputSize) throw new ArgumentException($"Outputs have room for {outputs.Length} floats, not {batchSize} x {OutputSize}.", nameof(outputs));
        if (batchSize == 0) return;
        if (!_batchable)
        {
            for (int i = 0; i < batchSize; i++) _plan.Run(inputs.Slice(i * InputSize, InputSize), 1, outputs.Slice(i * OutputSize, OutputSize));
            return;
        }
        // Run in small chunks: each chunk's activations stay in cache through the whole network, which matters more here
        // than a wide batch (conv layers run per sample anyway; only the tiny linear layers gain from width).
        int chunk = Math.Min(ChunkSize, batchSize);
        int chunks = (batchSize + chunk - 1) / chunk;
        if (_threads == 1 || chunks == 1)
        {
            for (int c = 0; c < chunks; c++)
            {
                int start = c * chunk, count = Math.Min(chunk, batchSize - start);
                _plan.Run(inputs.Slice(start * InputSize, count * InputSize), count, outputs.Slice(start * OutputSize, count * OutputSize));
            }
            return;
        }
        fixed (float* pin = inputs) fixed (float* pout = outputs)
        {
            nint inAddress = (nint)pin, outAddress = (nint)pout;
            int inSize = InputSize, outSize = OutputSize;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, c =>
            {
                int start = c * chunk, count = Math.Min(chunk, batchSize - start);
                var x = new ReadOnlySpan<float>((float*)inAddress + (long)start * inSize, count * inSize);
                var y = new Span<float>((float*)outAddress + (long)start * outSize, count * outSize);
                _plan.Run(x, count, y);
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="batchSize"/> samples <paramref name="repetitions"/> times on the calling thread and returns the
    /// mean time each node took per run (for <c>admmnn run --profile</c> and kernel tuning).
    /// </summary>
    public IReadOnlyList<LayerTiming> Profile(ReadOnlySpan<float> inputs, int batchSize, int repetitions)
    {
        if (inputs.Length != (long)batchSize * InputSize) throw new ArgumentException($"Inputs hold {inputs.Length} floats, not {batchSize} x {InputSize}.", nameof(inputs));
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var ticks = new long[_plan.Ops.Length];
        var outputs = new float[batchSize * OutputSize];
        for (int r = 0; r < repetitions; r++) _plan.Run(inputs, batchSize, outputs, ticks);
        return _plan.Ops.Select((op, i) => new LayerTiming(op.Name, op.OpType,
            ticks[i] * 1000.0 / System.Diagnostics.Stopwatch.Frequency / repetitions)).ToList();
    }

    /// <summary>Runs one sample and returns its output.</summary>
    public float[] Predict(ReadOnlySpan<float> input)
    {
        var output = new float[OutputSize];
        Run(input, output);
        return output;
    }

    /// <summary>The preprocessing recorded in the model (<see cref="ImagePreprocessing.MetadataKey"/>); <c>pixel / 255</c> when none is.</summary>
    public ImagePreprocessing Preprocessing { get; }

    /// <summary>
    /// Decodes a PNG, JPEG or BMP image and applies <see cref="Preprocessing"/> (evaluation steps only), giving the model's input:
    /// the same floats <c>admmnn evaluate</c> computes from the same file.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="ArgumentException">The preprocessed image does not have the model's input shape.</exception>
    public float[] PrepareImage(ReadOnlySpan<byte> encoded)
    {
        var (pixels, shape) = ImageDecoder.Decode(encoded);
        return PreparePixels(pixels, shape.Height, shape.Width, shape.Channels);
    }

    /// <summary>Applies <see cref="Preprocessing"/> to raw interleaved H×W×C bytes, giving the model's input.</summary>
    /// <exception cref="ArgumentException">The sizes disagree, or the result does not have the model's input shape.</exception>
    public float[] PreparePixels(ReadOnlySpan<byte> hwc, int height, int width, int channels)
    {
        var shape = new SampleShape(height, width, channels);
        if (height <= 0 || width <= 0 || channels is not (1 or 3)) throw new ArgumentException($"image shape {shape} must be positive with 1 or 3 channels");
        if (hwc.Length != shape.Size) throw new ArgumentException($"{hwc.Length} bytes are not {height}x{width}x{channels}", nameof(hwc));
        var (input, prepared) = Preprocessing.Prepare(new DatasetSample(shape, hwc.ToArray(), 0, "input"));
        int[] got = [prepared.Channels, prepared.Height, prepared.Width];
        if (!got.AsSpan().SequenceEqual(InputShape))
            throw new ArgumentException($"the preprocessed image is {string.Join("x", got)} but the model takes {string.Join("x", InputShape)} (preprocessing {Preprocessing.ToJson()})");
        return input;
    }

    /// <summary>Decodes, preprocesses and runs one encoded image; returns the model's output (logits).</summary>
    public float[] PredictImage(ReadOnlySpan<byte> encoded) => Predict(PrepareImage(encoded));

    /// <summary>Preprocesses and runs one raw H×W×C byte image; returns the model's output (logits).</summary>
    public float[] PredictPixels(ReadOnlySpan<byte> hwc, int height, int width, int channels) =>
        Predict(PreparePixels(hwc, height, width, channels));
}
