using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression;

/// <summary>What <see cref="Compressor.Run"/> returns: the compressed model and the measurements.</summary>
/// <param name="Model">The compressed graph (pruned weights exactly zero, quantized weights exactly on their levels).</param>
/// <param name="Result">The result table.</param>
public sealed record CompressionOutcome(ModelGraph Model, CompressionResult Result);
