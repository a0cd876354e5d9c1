using System.Text.RegularExpressions;
using AdmmNn.Reports.Charts;

namespace AdmmNn.Reports.Tests;

public sealed partial class ChartTests
{
    [Theory]
    [InlineData(0.13, 0.2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(1, 1)]
    [InlineData(1800, 2000)]
    public void Nice_steps_are_one_two_or_five_times_a_power_of_ten(double rough, double expected) =>
        Assert.Equal(expected, Axis.NiceStep(rough), 9);

    [Fact]
    public void Linear_axis_starts_at_zero_and_covers_the_data()
    {
        var axis = Axis.Fit([3.0, 47.0, double.NaN], log: false, pixelLow: 200, pixelHigh: 0);
        Assert.Equal(0, axis.Ticks[0]);
        Assert.True(axis.Ticks[^1] >= 47);
        Assert.Equal(200, axis.Map(0), 6);
        Assert.Equal(0, axis.Map(axis.Ticks[^1]), 6);
    }

    [Fact]
    public void Log_axis_spans_whole_decades_and_ignores_non_positive_values()
    {
        var axis = Axis.Fit([0.003, 0.4, 0, -1], log: true, pixelLow: 100, pixelHigh: 0);
        Assert.Equal([0.001, 0.01, 0.1, 1.0], axis.Ticks.Select(t => Math.Round(t, 9)));
        Assert.Equal(50, axis.Map(Math.Sqrt(0.001)), 6); // halfway in log space between 1e-3 and 1
    }

    [Fact]
    public void Grouped_bar_chart_draws_one_bar_per_finite_value()
    {
        var svg = BarChart.Render("t", ["a", "b", "c"],
            [new ChartSeries("x", [1.0, 2.0, double.NaN], "#111"), new ChartSeries("y", [3.0, 0.5, 4.0], "#222")], new ChartOptions());
        Assert.Equal(5, BarRects().Matches(svg).Count);
        Assert.StartsWith("<svg", svg);
        Assert.EndsWith("</svg>", svg);
        Assert.Contains("<title>c · y: 4</title>", svg);
    }

    [Fact]
    public void Stacked_bars_touch_each_other()
    {
        var svg = BarChart.Render("t", ["a"], [new ChartSeries("x", [1.0], "#111"), new ChartSeries("y", [1.0], "#222")],
            new ChartOptions { Stacked = true, YRange = (0, 2), Height = 300 });
        var bars = BarRects().Matches(svg).Select(m => (Y: double.Parse(m.Groups["y"].Value, System.Globalization.CultureInfo.InvariantCulture),
            H: double.Parse(m.Groups["h"].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(2, bars.Count);
        Assert.Equal(bars[0].Y, bars[1].Y + bars[1].H, 1); // the second bar sits on top of the first
        Assert.Equal(bars[0].H, bars[1].H, 1);
    }

    [Fact]
    public void Bar_chart_rejects_series_of_the_wrong_length() =>
        Assert.Throws<ArgumentException>(() => BarChart.Render("t", ["a", "b"], [new ChartSeries("x", [1.0], "#111")], new ChartOptions()));

    [Fact]
    public void Line_chart_breaks_the_path_at_missing_points()
    {
        var svg = LineChart.Render("t", [1.0, 2.0, 3.0, 4.0, 5.0], [new ChartSeries("x", [1.0, 2.0, double.NaN, 4.0, 5.0], "#111")], new ChartOptions());
        var path = Regex.Match(svg, "<path class=\"series\" d=\"(?<d>[^\"]+)\"").Groups["d"].Value;
        Assert.Equal(2, path.Count(c => c == 'M'));
        Assert.Equal(2, path.Count(c => c == 'L'));
        Assert.Equal(4, Regex.Matches(svg, "<circle class=\"point\"").Count);
    }

    [Fact]
    public void Text_is_escaped()
    {
        var svg = BarChart.Render("a<b & \"c\"", ["<layer>"], [new ChartSeries("s", [1.0], "#111")], new ChartOptions());
        Assert.DoesNotContain("<layer>", svg);
        Assert.Contains("&lt;layer&gt;", svg);
        Assert.Contains("a&lt;b &amp; &quot;c&quot;", svg);
    }

    [GeneratedRegex("<rect class=\"bar\" x=\"[^\"]+\" y=\"(?<y>[^\"]+)\" width=\"[^\"]+\" height=\"(?<h>[^\"]+)\"")]
    private static partial Regex BarRects();
}
