using System.Text.RegularExpressions;
using AdmmNn.Core.Compression;

namespace AdmmNn.Reports.Tests;

public sealed class HtmlReportTests
{
    [Fact]
    public void Page_is_self_contained()
    {
        var html = HtmlReport.Render(SampleResults.LeNet(), SampleResults.Hardware());
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("url(", html);
    }

    [Fact]
    public void Page_has_every_chart_with_content()
    {
        var html = HtmlReport.Render(SampleResults.LeNet(), SampleResults.Hardware());
        var titles = Regex.Matches(html, "<svg [^>]*aria-label=\"(?<t>[^\"]+)\"").Select(m => m.Groups["t"].Value).ToList();
        Assert.Equal(
        [
            "Per-layer sparsity", "Per-layer bit width", "Storage breakdown", "Multiply-accumulates per image",
            "Accuracy over iterations", "Training loss over iterations", "ADMM residuals (largest layer)",
            "Per-layer latency, before and after", "Per-layer energy, before and after",
        ], titles);
        foreach (Match svg in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline))
            Assert.Matches("<rect class=\"bar\"|<path class=\"series\"", svg.Value);
        // Sparsity: one bar per weight tensor (biases excluded); storage: one stacked group per tensor.
        var sparsity = Regex.Match(html, "<svg [^>]*aria-label=\"Per-layer sparsity\".*?</svg>", RegexOptions.Singleline).Value;
        Assert.Equal(4, Regex.Matches(sparsity, "<rect class=\"bar\"").Count);
    }

    [Fact]
    public void Optional_sections_disappear_without_data()
    {
        var result = SampleResults.LeNet(iterations: 0);
        result.Gates.Clear();
        var html = HtmlReport.Render(result);
        Assert.DoesNotContain("latency", html);
        Assert.DoesNotContain("<h2>Gates</h2>", html);
        Assert.Contains("No iterations were recorded.", html);
    }

    [Fact]
    public void Summary_shows_the_headline_figures_and_failed_gates()
    {
        var html = HtmlReport.Render(SampleResults.LeNet());
        Assert.Contains("90.12% → 89.50%", html);
        Assert.Contains("63.8×", html);
        Assert.Contains("<tr class=\"fail\"><td>minStorageRatio</td>", html);
    }

    [Fact]
    public void Writer_writes_json_and_html_and_rerenders_identically_from_json()
    {
        var dir = Directory.CreateTempSubdirectory("admmnn-report-");
        try
        {
            var result = SampleResults.LeNet();
            var html = ReportWriter.Write(result, dir.FullName);
            Assert.Equal(Path.Combine(dir.FullName, "report.html"), html);
            var first = File.ReadAllText(html);
            var again = ReportWriter.WriteFromJson(Path.Combine(dir.FullName, "report.json"), Path.Combine(dir.FullName, "again"));
            Assert.Equal(first, File.ReadAllText(again));
            Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp-*"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void WriteHtml_writes_only_the_page()
    {
        var dir = Directory.CreateTempSubdirectory("admmnn-report-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "result.html");
            ReportWriter.WriteHtml(SampleResults.LeNet(), path);
            Assert.Equal(HtmlReport.Render(SampleResults.LeNet()), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(dir.FullName, "*", SearchOption.AllDirectories));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Hardware_section_is_read_from_the_result_json()
    {
        var json = ResultJson.Serialize(SampleResults.LeNet()).TrimEnd().TrimEnd('}')
            + ",\"hardware\":{\"target\":\"fpga\",\"layers\":[{\"name\":\"conv1.weight\",\"latencyBefore\":4e-5,\"latencyAfter\":3e-5,\"energyBefore\":\"NaN\"}]}}";
        var section = HardwareSection.FromResultJson(json);
        Assert.NotNull(section);
        Assert.Equal("fpga", section!.Target);
        var row = Assert.Single(section.Layers);
        Assert.Equal(3e-5, row.LatencyAfter);
        Assert.True(double.IsNaN(row.EnergyBefore));
        Assert.Null(HardwareSection.FromResultJson(ResultJson.Serialize(SampleResults.LeNet())));
    }

    [Fact]
    public void Not_a_result_names_the_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "{ not json");
            var ex = Assert.Throws<InvalidDataException>(() => ReportWriter.WriteFromJson(file));
            Assert.Contains(file, ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
