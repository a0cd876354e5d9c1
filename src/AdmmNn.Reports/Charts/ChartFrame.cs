using System.Text;

namespace AdmmNn.Reports.Charts;

/// <summary>The parts every chart shares: the svg element, title, plot area, y grid with labels, axis captions, legend.</summary>
internal static class ChartFrame
{
    public const double Left = 64;
    public const double Right = 16;
    public const double Top = 36;
    public const double Bottom = 64;

    public static void Open(StringBuilder svg, string kind, string title, ChartOptions options)
    {
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart {kind}\" width=\"{options.Width}\" height=\"{options.Height}\" viewBox=\"0 0 {options.Width} {options.Height}\" role=\"img\" aria-label=\"{Svg.Escape(title)}\">");
        svg.Append($"<title>{Svg.Escape(title)}</title>");
        svg.Append($"<rect class=\"background\" x=\"0\" y=\"0\" width=\"{options.Width}\" height=\"{options.Height}\" fill=\"#ffffff\"/>");
        svg.Append($"<text class=\"chart-title\" x=\"{Svg.Coordinate(options.Width / 2.0)}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\">{Svg.Escape(title)}</text>");
    }

    public static void YGrid(StringBuilder svg, Axis y, ChartOptions options)
    {
        var right = options.Width - Right;
        foreach (var tick in y.Ticks)
        {
            var py = Svg.Coordinate(y.Map(tick));
            svg.Append($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Svg.Coordinate(right)}\" y1=\"{py}\" y2=\"{py}\" stroke=\"#e3e3e3\"/>");
            svg.Append($"<text class=\"tick\" x=\"{Left - 6}\" y=\"{py}\" dy=\"4\" text-anchor=\"end\" font-size=\"11\">{Svg.Escape(options.Format(tick))}</text>");
        }
        var bottom = options.Height - Bottom;
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Svg.Coordinate(bottom)}\" stroke=\"#555\"/>");
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Svg.Coordinate(right)}\" y1=\"{Svg.Coordinate(bottom)}\" y2=\"{Svg.Coordinate(bottom)}\" stroke=\"#555\"/>");
        if (options.YLabel.Length > 0)
        {
            var cy = Svg.Coordinate((Top + bottom) / 2);
            svg.Append($"<text class=\"axis-label\" x=\"14\" y=\"{cy}\" transform=\"rotate(-90 14 {cy})\" text-anchor=\"middle\" font-size=\"11\">{Svg.Escape(options.YLabel)}</text>");
        }
        if (options.XLabel.Length > 0)
            svg.Append($"<text class=\"axis-label\" x=\"{Svg.Coordinate((Left + right) / 2)}\" y=\"{options.Height - 6}\" text-anchor=\"middle\" font-size=\"11\">{Svg.Escape(options.XLabel)}</text>");
    }

    public static void Legend(StringBuilder svg, IReadOnlyList<ChartSeries> series, ChartOptions options)
    {
        if (series.Count < 2) return;
        var x = Left + 8;
        foreach (var s in series)
        {
            svg.Append($"<rect class=\"legend-swatch\" x=\"{Svg.Coordinate(x)}\" y=\"{Top - 8}\" width=\"10\" height=\"10\" fill=\"{s.Color}\"/>");
            svg.Append($"<text class=\"legend\" x=\"{Svg.Coordinate(x + 14)}\" y=\"{Top + 1}\" font-size=\"11\">{Svg.Escape(s.Name)}</text>");
            x += 24 + 7 * s.Name.Length;
        }
    }

    public static string Close(StringBuilder svg)
    {
        svg.Append("</svg>");
        return svg.ToString();
    }
}
