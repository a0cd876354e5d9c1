using System.Text;

namespace AdmmNn.Reports.Charts;

/// <summary>Vertical bars per category, grouped or stacked by series, as a standalone SVG element.</summary>
public static class BarChart
{
    /// <summary>Renders the chart. Each series must have one value per category.</summary>
    public static string Render(string title, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, ChartOptions options)
    {
        foreach (var s in series)
        {
            if (s.Values.Count != categories.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories", nameof(series));
        }
        var bottom = options.Height - ChartFrame.Bottom;
        var extent = options.Stacked
            ? Enumerable.Range(0, categories.Count).Select(i => series.Sum(s => double.IsFinite(s.Values[i]) ? s.Values[i] : 0))
            : series.SelectMany(s => s.Values);
        var y = Axis.Fit(extent, options.LogScale, bottom, ChartFrame.Top, options.YRange);
        var svg = new StringBuilder();
        ChartFrame.Open(svg, "bar-chart", title, options);
        ChartFrame.YGrid(svg, y, options);
        ChartFrame.Legend(svg, series, options);

        var plotWidth = options.Width - ChartFrame.Left - ChartFrame.Right;
        var slot = categories.Count == 0 ? plotWidth : plotWidth / categories.Count;
        var groupWidth = slot * 0.75;
        var barWidth = options.Stacked || series.Count == 0 ? groupWidth : groupWidth / series.Count;
        for (var i = 0; i < categories.Count; i++)
        {
            var slotLeft = ChartFrame.Left + i * slot + (slot - groupWidth) / 2;
            var stackBase = 0.0;
            for (var j = 0; j < series.Count; j++)
            {
                var value = series[j].Values[i];
                if (!double.IsFinite(value) || (options.LogScale && value <= 0)) continue;
                var from = options.Stacked ? stackBase : (options.LogScale ? y.Min : Math.Max(0, y.Min));
                var to = options.Stacked ? stackBase + value : value;
                stackBase = to;
                var x = options.Stacked ? slotLeft : slotLeft + j * barWidth;
                var pixelFrom = y.Map(from);
                var pixelTo = y.Map(to);
                var top = Math.Min(pixelFrom, pixelTo);
                var height = Math.Abs(pixelTo - pixelFrom);
                if (height < 1)
                {
                    // Keep a tiny nonzero value visible as a one-pixel bar.
                    height = 1;
                    top = pixelFrom - 1;
                }
                svg.Append($"<rect class=\"bar\" x=\"{Svg.Coordinate(x)}\" y=\"{Svg.Coordinate(top)}\" width=\"{Svg.Coordinate(Math.Max(barWidth - 1, 1))}\" height=\"{Svg.Coordinate(height)}\" fill=\"{series[j].Color}\">");
                svg.Append($"<title>{Svg.Escape(categories[i])} · {Svg.Escape(series[j].Name)}: {Svg.Escape(options.Format(value))}</title></rect>");
            }
            var cx = Svg.Coordinate(slotLeft + groupWidth / 2);
            var ly = Svg.Coordinate(bottom + 12);
            svg.Append($"<text class=\"category\" x=\"{cx}\" y=\"{ly}\" transform=\"rotate(-30 {cx} {ly})\" text-anchor=\"end\" font-size=\"10\">{Svg.Escape(Shorten(categories[i]))}</text>");
        }
        return ChartFrame.Close(svg);
    }

    private static string Shorten(string label) => label.Length <= 18 ? label : label[..17] + "…";
}
