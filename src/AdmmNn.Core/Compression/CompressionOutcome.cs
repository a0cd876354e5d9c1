using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression;

/// <summary>What <see cref="Compressor.Run"/> returns: the compressed model and the measurements.</summary>
/// <param name="Model">The compressed graph (pruned weights exactly zero, quantized weights exactly on their levels).</param>
/// <param name="Result">The result table.</param>
/// <param name="TestAccuracy">
/// Scores another graph on the run's test samples, exactly as <see cref="CompressionResult.FinalAccuracy"/> was scored
/// (streamed or in memory), so a post-step such as purification reports a comparable figure; null when not available.
/// </param>
public sealed record CompressionOutcome(ModelGraph Model, CompressionResult Result, Func<ModelGraph, double>? TestAccuracy = null);
