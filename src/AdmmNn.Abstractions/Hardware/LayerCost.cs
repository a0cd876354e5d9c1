namespace AdmmNn.Abstractions.Hardware;

/// <summary>A target's estimate for one layer and one sample.</summary>
/// <param name="LatencySeconds">Time to compute the layer.</param>
/// <param name="EnergyJoules">Energy to compute the layer, or NaN when the target does not model energy.</param>
/// <param name="StorageBits">Bits of weight storage the form needs (weights, indices, codebooks).</param>
/// <param name="Notes">What dominated the estimate (e.g. <c>memory-bound</c>), for reports; may be empty.</param>
public sealed record LayerCost(double LatencySeconds, double EnergyJoules, long StorageBits, string Notes = "");
