using AdmmNn.Shared;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Hardware;

namespace AdmmNn.Reports;

/// <summary>Writes <c>report.json</c> and <c>report.html</c> into a folder, each atomically (temporary file, then rename).</summary>
public static class ReportWriter
{
    /// <summary>File name of the result JSON.</summary>
    public const string JsonFileName = "report.json";

    /// <summary>File name of the HTML report.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>
    /// Writes both files for <paramref name="result"/> into <paramref name="directory"/> (created if needed) and returns
    /// the HTML path. <paramref name="hardware"/>, when given, adds the target's per-layer latency and energy charts.
    /// </summary>
    public static string Write(CompressionResult result, string directory, HardwareAnalysis? hardware = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(directory);
        ResultJson.Write(result, Path.Combine(directory, JsonFileName));
        var html = Path.Combine(directory, HtmlFileName);
        WriteAtomically(html, HtmlReport.Render(result, hardware is null ? HardwareSection.FromResult(result) : HardwareSection.From(hardware)));
        return html;
    }

    /// <summary>Writes only the HTML report of <paramref name="result"/> to <paramref name="htmlPath"/> (atomically).</summary>
    public static void WriteHtml(CompressionResult result, string htmlPath, HardwareAnalysis? hardware = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(htmlPath))!);
        WriteAtomically(htmlPath, HtmlReport.Render(result, hardware is null ? HardwareSection.FromResult(result) : HardwareSection.From(hardware)));
    }

    /// <summary>Renders an existing result file into <c>report.html</c> in <paramref name="directory"/> (default: beside it).</summary>
    /// <exception cref="InvalidDataException">The file is not a compression result; the message names it.</exception>
    public static string WriteFromJson(string resultJsonPath, string? directory = null)
    {
        var json = File.ReadAllText(resultJsonPath);
        CompressionResult result;
        HardwareSection? hardware;
        try
        {
            result = ResultJson.Deserialize(json);
            hardware = HardwareSection.FromResultJson(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"{resultJsonPath}: not a compression result ({ex.Message})", ex);
        }
        var target = directory ?? Path.GetDirectoryName(Path.GetFullPath(resultJsonPath))!;
        Directory.CreateDirectory(target);
        var html = Path.Combine(target, HtmlFileName);
        WriteAtomically(html, HtmlReport.Render(result, hardware));
        return html;
    }

    private static void WriteAtomically(string path, string content) => AtomicFile.WriteAllText(path, content);
}
