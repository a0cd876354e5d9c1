namespace AdmmNn.Reports.Charts;

/// <summary>One named series of values; NaN marks a missing point (a gap in a line, no bar).</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">One value per category (bar charts) or per x (line charts).</param>
/// <param name="Color">CSS colour.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values, string Color);
