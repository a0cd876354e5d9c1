using System.Diagnostics;
using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Runtime.Kernels;

/// <summary>
/// Times the runtime's own dense and sparse kernels for one layer shape, one sample at a time, exactly as
/// <see cref="CompressedModel"/> runs them (same op code, same buffers). Hardware targets use it to find where sparsity pays.
/// </summary>
public static class KernelTimer
{
    /// <summary>Structures <see cref="TimeSparse"/> can lay nonzeros out in.</summary>
    public static IReadOnlyList<string> Structures { get; } = ["unstructured", "filter", "channel"];

    /// <summary>Median seconds for one sample through the dense kernel.</summary>
    /// <param name="opType"><c>Conv</c> (weight [out, in/group, kh, kw], input [C, H, W]; the group is C / (in/group)) or <c>Gemm</c>/<c>MatMul</c> (weight [out, in], input [in]).</param>
    /// <param name="weightShape">Weight dimensions.</param>
    /// <param name="inputShape">One sample's input dimensions.</param>
    /// <param name="repetitions">Timed runs (after warm-up); the median is returned.</param>
    /// <param name="outputShape">
    /// One sample's output dimensions, for a Conv: the stride and padding that produce it are worked out, so a strided,
    /// padded layer (or one whose input is smaller than its kernel) is timed as the model runs it. Null: stride 1, no padding.
    /// </param>
    public static double TimeDense(string opType, int[] weightShape, int[] inputShape, int repetitions, int[]? outputShape = null)
    {
        var weights = Weights(weightShape, Product(weightShape), "unstructured", seed: 1);
        return Time(opType, weightShape, inputShape, outputShape, weights, KernelChoice.Dense, repetitions);
    }

    /// <summary>Median seconds for one sample through the sparse kernel with <paramref name="nonZeros"/> weights kept.</summary>
    /// <param name="opType">As for <see cref="TimeDense"/>.</param>
    /// <param name="weightShape">Weight dimensions.</param>
    /// <param name="inputShape">One sample's input dimensions.</param>
    /// <param name="nonZeros">Weights kept.</param>
    /// <param name="structure">One of <see cref="Structures"/>: random positions, whole output filters, or whole GEMM columns.</param>
    /// <param name="repetitions">Timed runs (after warm-up).</param>
    /// <param name="seed">Seed for the positions and values.</param>
    /// <param name="outputShape">As for <see cref="TimeDense"/>.</param>
    public static double TimeSparse(string opType, int[] weightShape, int[] inputShape, long nonZeros, string structure, int repetitions, int seed, int[]? outputShape = null)
    {
        long count = Product(weightShape);
        if (nonZeros < 0 || nonZeros > count) throw new ArgumentOutOfRangeException(nameof(nonZeros), $"must be in [0, {count}]");
        var weights = Weights(weightShape, nonZeros, structure, seed);
        return Time(opType, weightShape, inputShape, outputShape, weights, KernelChoice.Sparse, repetitions);
    }

    /// <summary>
    /// The density (nonzeros / weights) below which the sparse kernel beats the dense one for this layer, by bisection
    /// over unstructured sparsity; 0 when sparse never wins, 1 when it always does.
    /// </summary>
    public static double BreakEvenDensity(string opType, int[] weightShape, int[] inputShape, int repetitions, int seed)
    {
        double dense = TimeDense(opType, weightShape, inputShape, repetitions);
        long count = Product(weightShape);
        double Sparse(double density) => TimeSparse(opType, weightShape, inputShape, (long)Math.Round(density * count), "unstructured", repetitions, seed);
        if (Sparse(1.0) < dense) return 1.0;
        if (Sparse(1.0 / count) >= dense) return 0.0;
        double lo = 1.0 / count, hi = 1.0;
        for (int i = 0; i < 8; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (Sparse(mid) < dense) lo = mid; else hi = mid;
        }
        return lo;
    }

    private static double Time(string opType, int[] weightShape, int[] inputShape, int[]? outputShape, float[] weights, KernelChoice kernels, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var model = CompressedModel.LoadTrusted(Pack(opType, weightShape, inputShape, outputShape, weights), new CompressedModelOptions { Kernels = kernels });
        var input = new float[model.InputSize];
        var rng = new Random(7);
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble();
        var output = new float[model.OutputSize];
        // Warm up the JIT and the buffer pool, then time each run.
        var warmup = Stopwatch.StartNew();
        do model.Run(input, output); while (warmup.ElapsedMilliseconds < 50);
        var samples = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            model.Run(input, output);
            samples[r] = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        }
        Array.Sort(samples);
        return samples[repetitions / 2];
    }

    private static byte[] Pack(string opType, int[] weightShape, int[] inputShape, int[]? outputShape, float[] weights)
    {
        var g = new ModelGraph { Name = "kernel-timer" };
        var w = TensorData.FromFloats("w", weightShape.Select(d => (long)d).ToArray(), weights);
        g.Initializers.Add(w);
        switch (opType)
        {
            case "Conv":
                if (weightShape.Length != 4 || inputShape.Length != 3) throw new ArgumentException("Conv needs weight [out, in, kh, kw] and input [C, H, W].");
                g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, inputShape[0], inputShape[1], inputShape[2]]));
                g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, weightShape[0], -1, -1]));
                if (inputShape[0] % weightShape[1] != 0) throw new ArgumentException($"Conv input channels {inputShape[0]} are not a multiple of the weight's {weightShape[1]} per group.");
                g.Nodes.Add(new GraphNode { Name = "layer", OpType = "Conv", Inputs = ["x", "w"], Outputs = ["y"], Attributes = ConvGeometry.Attributes(weightShape, inputShape, outputShape) });
                break;
            case "Gemm" or "MatMul":
                if (weightShape.Length != 2 || inputShape.Length != 1 || inputShape[0] != weightShape[1])
                    throw new ArgumentException("Gemm/MatMul needs weight [out, in] and input [in].");
                g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [-1, inputShape[0]]));
                g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [-1, weightShape[0]]));
                g.Nodes.Add(new GraphNode { Name = "layer", OpType = "Gemm", Inputs = ["x", "w"], Outputs = ["y"], Attributes = [NodeAttribute.Of("transB", 1L)] });
                break;
            default:
                throw new ArgumentException($"Op type '{opType}' is not timed; use Conv, Gemm or MatMul.", nameof(opType));
        }
        using var stream = new MemoryStream();
        PackedModelWriter.Write(g, stream);
        return stream.ToArray();
    }

    private static float[] Weights(int[] shape, long nonZeros, string structure, int seed)
    {
        long count = Product(shape);
        var rng = new Random(seed);
        var w = new float[count];
        int rows = shape[0], cols = (int)(count / Math.Max(1, rows));
        IEnumerable<long> positions = structure switch
        {
            "unstructured" => Shuffle(count, rng).Take((int)nonZeros),
            "filter" => Shuffle(rows, rng).Take((int)Math.Ceiling((double)nonZeros / Math.Max(1, cols))).SelectMany(r => Enumerable.Range(0, cols).Select(c => r * cols + c)).Take((int)nonZeros),
            "channel" => Shuffle(cols, rng).Take((int)Math.Ceiling((double)nonZeros / Math.Max(1, rows))).SelectMany(c => Enumerable.Range(0, rows).Select(r => r * cols + c)).Take((int)nonZeros),
            _ => throw new ArgumentException($"Structure '{structure}' is not supported; use one of: {string.Join(", ", Structures)}.", nameof(structure)),
        };
        // Random but never zero, and with many distinct values so the packed file keeps them as floats.
        foreach (var p in positions) w[p] = (float)(rng.NextDouble() + 0.1) * (rng.Next(2) == 0 ? -1 : 1);
        return w;
    }

    private static IEnumerable<long> Shuffle(long count, Random rng)
    {
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        rng.Shuffle(order);
        return order;
    }

    private static long Product(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 1) throw new ArgumentException($"Dimension {d} must be positive.", nameof(shape));
            n *= d;
        }
        return n;
    }
}
