using System.Text.Json;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Policy;
using AdmmNn.Runtime.Format;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The result table of a finished run: per tensor its nonzeros, storage plan (code, index and codebook bits) and MACs,
/// the totals and ratios, the accuracies and history, and the gates.
/// </summary>
internal static class ResultBuilder
{
    /// <summary>Measures <paramref name="compressed"/> and assembles the result.</summary>
    public static CompressionResult Build(CompressionPolicy policy, ModelGraph compressed, List<LayerState> layers, List<(Parameter Bias, IWeightProjection Projection)> biases, Checkpoint state, EvaluationResult final,
        CompressionOptions options, int[] sampleShape, bool resumed)
    {
        var positions = MacCounter.PositionsPerWeight(compressed, sampleShape);
        var result = new CompressionResult
        {
            Model = options.ModelName,
            Method = options.Method == CompressionMethod.Admm ? "admm" : "magnitude",
            Dataset = options.DatasetName,
            PolicyFile = options.PolicyPath,
            Policy = JsonSerializer.SerializeToElement(policy, ResultJson.Options),
            Target = policy.Hardware?.Target,
            BaselineAccuracy = state.BaselineAccuracy,
            BaselineLoss = state.BaselineLoss,
            FinalAccuracy = final.Accuracy,
            FinalLoss = final.Loss,
            AccuracyDrop = state.BaselineAccuracy - final.Accuracy,
            TestSamples = final.Count,
            Iterations = state.History,
            Phases = state.Phases,
            WallSeconds = state.ElapsedSeconds,
            Threads = Workers.Threads,
            Resumed = resumed,
            FinishedUtc = DateTime.UtcNow.ToString("O"),
        };
        foreach (var init in compressed.Initializers)
        {
            if (init.Floats is not { } values) continue;
            var shape = init.Dims.Select(d => (int)d).ToArray();
            var plan = StorageAccounting.Plan(values, shape);
            var nonZeros = values.Count(v => v != 0);
            var node = compressed.Nodes.Find(n => n.Inputs.Contains(init.Name));
            var isWeight = positions.ContainsKey(init.Name) && node?.Inputs.IndexOf(init.Name) == 1;
            var perWeight = positions.GetValueOrDefault(init.Name, 0);
            var layer = layers.Find(l => l.Name == init.Name);
            var biasProjection = biases.Find(b => b.Bias.Name == init.Name).Projection;
            var row = new LayerReport
            {
                Name = init.Name,
                OpType = node?.OpType ?? "",
                Role = isWeight ? "Weight" : node is not null && node.Inputs.IndexOf(init.Name) == 2 ? "Bias" : "Other",
                Shape = shape,
                Parameters = values.Length,
                NonZeros = nonZeros,
                Sparsity = values.Length == 0 ? 0 : 1 - (double)nonZeros / values.Length,
                PruningRatio = nonZeros == 0 ? double.PositiveInfinity : (double)values.Length / nonZeros,
                Bits = plan.CodeBits,
                IndexWidth = plan.IndexBits,
                FillerEntries = plan.FillerEntries,
                CodeBits = plan.CodeBitsTotal,
                IndexBits = plan.IndexBitsTotal,
                CodebookBits = plan.CodebookBits,
                TotalBits = plan.TotalBits,
                Encoding = plan.Encoding.ToString(),
                Constraint = layer is not null ? string.Join("; ", new[] { layer.Prune?.Describe(), layer.Quantize?.Describe() }.OfType<string>())
                    : biasProjection?.Describe() ?? "",
                MacsBefore = isWeight ? values.Length * perWeight : 0,
                MacsAfter = isWeight ? nonZeros * perWeight : 0,
            };
            result.Layers.Add(row);
            result.DenseParameters += values.Length;
            result.TotalBits += plan.TotalBits;
            result.CompressedBytes += plan.PayloadBytes;
            result.MacsBefore += row.MacsBefore;
            result.MacsAfter += row.MacsAfter;
            if (isWeight)
            {
                result.DenseWeights += values.Length;
                result.NonZeroWeights += nonZeros;
                result.WeightBits += plan.TotalBits;
            }
        }
        result.OriginalBytes = result.DenseParameters * sizeof(float);
        result.PruningRatio = result.NonZeroWeights == 0 ? double.PositiveInfinity : (double)result.DenseWeights / result.NonZeroWeights;
        result.WeightStorageRatio = result.WeightBits == 0 ? double.PositiveInfinity : 32.0 * result.DenseWeights / result.WeightBits;
        result.StorageRatio = result.TotalBits == 0 ? double.PositiveInfinity : 32.0 * result.DenseParameters / result.TotalBits;
        result.Gates.AddRange(Gates.Evaluate(policy.Gates, result.AccuracyDrop, result.StorageRatio));
        result.Passed = result.Gates.All(g => g.Passed);
        return result;
    }
}
