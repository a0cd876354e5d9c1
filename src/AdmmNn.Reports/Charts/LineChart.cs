using System.Text;

namespace AdmmNn.Reports.Charts;

/// <summary>Lines over a numeric x axis (e.g. ADMM iterations), as a standalone SVG element. NaN values break the line.</summary>
public static class LineChart
{
    /// <summary>Renders the chart. Each series must have one value per x.</summary>
    public static string Render(string title, IReadOnlyList<double> x, IReadOnlyList<ChartSeries> series, ChartOptions options)
    {
        foreach (var s in series)
        {
            if (s.Values.Count != x.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values for {x.Count} x positions", nameof(series));
        }
        var bottom = options.Height - ChartFrame.Bottom;
        var right = options.Width - ChartFrame.Right;
        var y = Axis.Fit(series.SelectMany(s => s.Values), options.LogScale, bottom, ChartFrame.Top, options.YRange);
        var xAxis = Axis.Fit(x.Count == 0 ? [0.0, 1.0] : x, log: false, ChartFrame.Left, right,
            x.Count == 0 ? null : (x.Min(), x.Max() > x.Min() ? x.Max() : x.Min() + 1));
        var svg = new StringBuilder();
        ChartFrame.Open(svg, "line-chart", title, options);
        ChartFrame.YGrid(svg, y, options);
        ChartFrame.Legend(svg, series, options);
        foreach (var tick in xAxis.Ticks)
        {
            var px = Svg.Coordinate(xAxis.Map(tick));
            svg.Append($"<text class=\"tick\" x=\"{px}\" y=\"{Svg.Coordinate(bottom + 14)}\" text-anchor=\"middle\" font-size=\"11\">{Svg.Escape(Svg.Number(tick))}</text>");
        }
        foreach (var s in series)
        {
            var path = new StringBuilder();
            var pen = false;
            var points = 0;
            for (var i = 0; i < x.Count; i++)
            {
                var v = s.Values[i];
                if (!double.IsFinite(v) || (options.LogScale && v <= 0))
                {
                    pen = false;
                    continue;
                }
                path.Append(pen ? " L" : (path.Length > 0 ? " M" : "M")).Append(Svg.Coordinate(xAxis.Map(x[i]))).Append(',').Append(Svg.Coordinate(y.Map(v)));
                pen = true;
                points++;
            }
            if (points == 0) continue;
            svg.Append($"<path class=\"series\" d=\"{path}\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\"><title>{Svg.Escape(s.Name)}</title></path>");
            if (points <= 60)
            {
                for (var i = 0; i < x.Count; i++)
                {
                    var v = s.Values[i];
                    if (!double.IsFinite(v) || (options.LogScale && v <= 0)) continue;
                    svg.Append($"<circle class=\"point\" cx=\"{Svg.Coordinate(xAxis.Map(x[i]))}\" cy=\"{Svg.Coordinate(y.Map(v))}\" r=\"2.5\" fill=\"{s.Color}\"><title>{Svg.Escape(s.Name)} @ {Svg.Escape(Svg.Number(x[i]))}: {Svg.Escape(options.Format(v))}</title></circle>");
                }
            }
        }
        return ChartFrame.Close(svg);
    }
}
