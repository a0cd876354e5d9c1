namespace AdmmNn.Reports;

/// <summary>One layer's cost on the hardware target before (dense) and after compression; NaN where not modeled.</summary>
/// <param name="Name">Layer (weight) name.</param>
/// <param name="LatencyBefore">Seconds, dense.</param>
/// <param name="LatencyAfter">Seconds, as compressed.</param>
/// <param name="EnergyBefore">Joules, dense.</param>
/// <param name="EnergyAfter">Joules, as compressed.</param>
public sealed record HardwareLayerRow(string Name, double LatencyBefore, double LatencyAfter, double EnergyBefore, double EnergyAfter);
