using AdmmNn.Core.Compression;

namespace AdmmNn.Reports.Tests;

/// <summary>A LeNet-5-shaped result with made-up but consistent figures, for rendering tests.</summary>
public static class SampleResults
{
    public static CompressionResult LeNet(int iterations = 30)
    {
        var result = new CompressionResult
        {
            Model = "lenet5-fashion.onnx",
            Dataset = "fashion-mnist",
            PolicyFile = "samples/policies/lenet5.json",
            Target = "fpga",
            BaselineAccuracy = 0.9012,
            FinalAccuracy = 0.8950,
            AccuracyDrop = 0.0062,
            TestSamples = 10000,
            OriginalBytes = 1_724_320,
            CompressedBytes = 27_000,
            DenseWeights = 430_500,
            NonZeroWeights = 18_000,
            DenseParameters = 431_080,
            PruningRatio = 23.9,
            StorageRatio = 63.8,
            WeightStorageRatio = 70.1,
            MacsBefore = 2_293_000,
            MacsAfter = 160_000,
            WallSeconds = 42.5,
            Threads = 2,
            FinishedUtc = "2026-11-23T03:00:00Z",
        };
        (string Name, string Op, int[] Shape, double Sparsity, int Bits, long Macs)[] layers =
        [
            ("conv1.weight", "Conv", [20, 1, 5, 5], 0.33, 8, 288_000),
            ("conv2.weight", "Conv", [50, 20, 5, 5], 0.92, 3, 1_600_000),
            ("fc1.weight", "Gemm", [500, 800], 0.99, 3, 400_000),
            ("fc2.weight", "Gemm", [10, 500], 0.92, 3, 5_000),
            ("fc2.bias", "Gemm", [10], 0, 32, 0),
        ];
        foreach (var (name, op, shape, sparsity, bits, macs) in layers)
        {
            var parameters = shape.Aggregate(1L, (a, b) => a * b);
            var nonZeros = (long)Math.Round(parameters * (1 - sparsity));
            var codeBits = nonZeros * bits;
            var indexBits = sparsity > 0 ? nonZeros * 4 : 0;
            var codebookBits = bits < 32 ? (1L << bits) * 32 : 0;
            result.Layers.Add(new LayerReport
            {
                Name = name, OpType = op, Role = name.EndsWith(".bias", StringComparison.Ordinal) ? "Bias" : "Weight", Shape = shape,
                Parameters = parameters, NonZeros = nonZeros, Sparsity = sparsity, PruningRatio = parameters / (double)Math.Max(1, nonZeros),
                Bits = bits, IndexWidth = sparsity > 0 ? 4 : 0, CodeBits = codeBits, IndexBits = indexBits, CodebookBits = codebookBits,
                TotalBits = codeBits + indexBits + codebookBits, Encoding = sparsity > 0 ? "sparse-relative" : "dense",
                Constraint = sparsity > 0 ? $"unstructured {(1 - sparsity):P0} + {bits}-bit levels" : "", MacsBefore = macs, MacsAfter = (long)(macs * (1 - sparsity)),
            });
        }
        for (var i = 1; i <= iterations; i++)
        {
            var admm = i <= iterations * 2 / 3;
            result.Iterations.Add(new IterationRecord
            {
                Iteration = i,
                Phase = admm ? "admm" : "retrain",
                PhaseIteration = i,
                Batch = i * 100,
                Loss = 0.9 * Math.Exp(-i / 10.0) + 0.25,
                Accuracy = i % 7 == 0 ? double.NaN : 0.80 + 0.09 * (1 - Math.Exp(-i / 8.0)),
                PrimalResidual = admm ? 0.5 * Math.Exp(-i / 4.0) : null,
                DualResidual = admm ? 0.2 * Math.Exp(-i / 5.0) : null,
            });
        }
        result.Phases.Add(new PhaseReport { Name = "admm", Batches = 2000, PlannedBatches = 2400, EarlyStopped = true, Seconds = 30, Accuracy = 0.88 });
        result.Phases.Add(new PhaseReport { Name = "retrain", Batches = 1000, PlannedBatches = 1000, Seconds = 12.5, Accuracy = 0.895 });
        result.Gates.Add(new GateResult { Name = "maxAccuracyDrop", Limit = 0.01, Actual = 0.0062, Passed = true });
        result.Gates.Add(new GateResult { Name = "minStorageRatio", Limit = 80, Actual = 63.8, Passed = false });
        return result;
    }

    public static HardwareSection Hardware() => new("fpga",
    [
        new HardwareLayerRow("conv1.weight", 40e-6, 35e-6, 2e-6, 1.8e-6),
        new HardwareLayerRow("conv2.weight", 220e-6, 40e-6, 11e-6, 2.5e-6),
        new HardwareLayerRow("fc1.weight", 60e-6, 4e-6, 3e-6, 0.2e-6),
        new HardwareLayerRow("fc2.weight", 1e-6, 0.9e-6, double.NaN, double.NaN),
    ]);
}
