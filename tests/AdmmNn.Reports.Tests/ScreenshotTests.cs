using System.Text.RegularExpressions;

namespace AdmmNn.Reports.Tests;

/// <summary>Renders report.html in headless Chromium: the DOM it parsed holds the charts, and the screenshot shows them.</summary>
public sealed class ScreenshotTests
{
    [ChromiumFact]
    public void Report_renders_its_charts_in_chromium()
    {
        var dir = Directory.CreateTempSubdirectory("admmnn-screenshot-");
        var keep = Environment.GetEnvironmentVariable("ADMMNN_KEEP_SCREENSHOT");
        try
        {
            var html = ReportWriter.Write(SampleResults.LeNet(), dir.FullName);
            var url = new Uri(html).AbsoluteUri;

            var dom = Chromium.Run(url, "--dump-dom");
            Assert.True(dom.ExitCode == 0, dom.Error);
            Assert.DoesNotContain("Uncaught", dom.Error);
            var charts = Regex.Matches(dom.Output, "<svg[^>]*class=\"chart[^\"]*\".*?</svg>", RegexOptions.Singleline);
            Assert.Equal(7, charts.Count);
            Assert.All(charts, c => Assert.Matches("<rect class=\"bar\"|<path class=\"series\" d=\"M", c.Value));

            var png = Path.Combine(dir.FullName, "report.png");
            var shot = Chromium.Run(url, "--window-size=1400,1800", $"--screenshot={png}");
            Assert.True(shot.ExitCode == 0 && File.Exists(png), shot.Error);
            if (!string.IsNullOrEmpty(keep)) File.Copy(png, keep, overwrite: true);

            var image = PngImage.Read(png);
            Assert.Equal((1400, 1800), (image.Width, image.Height));
            // The bars and lines are drawn in the report's palette: those colours must appear in quantity on screen.
            var blue = 0;
            var green = 0;
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    var (r, g, b) = image[x, y];
                    if (Near(r, 0x1f) && Near(g, 0x77) && Near(b, 0xb4)) blue++;
                    if (Near(r, 0x2c) && Near(g, 0xa0) && Near(b, 0x2c)) green++;
                }
            }
            Assert.True(blue > 2000, $"only {blue} pixels of the bar colour");
            Assert.True(green > 500, $"only {green} pixels of the bit-width colour");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool Near(byte value, int expected) => Math.Abs(value - expected) <= 6;
}
