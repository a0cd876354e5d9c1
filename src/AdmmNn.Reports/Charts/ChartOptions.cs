namespace AdmmNn.Reports.Charts;

/// <summary>Layout and scale of a chart.</summary>
public sealed record ChartOptions
{
    /// <summary>Width in CSS pixels.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Height in CSS pixels.</summary>
    public int Height { get; init; } = 300;

    /// <summary>Y-axis caption.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>X-axis caption.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Logarithmic y axis (values ≤ 0 are skipped).</summary>
    public bool LogScale { get; init; }

    /// <summary>Bar charts: stack the series instead of grouping them side by side.</summary>
    public bool Stacked { get; init; }

    /// <summary>Fixed y range [min, max] instead of one fitted to the data.</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Formats tick labels and tooltips.</summary>
    public Func<double, string> Format { get; init; } = v => Svg.Number(v);
}
