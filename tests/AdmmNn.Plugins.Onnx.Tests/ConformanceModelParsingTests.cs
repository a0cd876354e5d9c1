using AdmmNn.Abstractions.Formats;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Every model in ONNX's node conformance data either imports or fails with a clear <see cref="ModelFormatException"/>.</summary>
public sealed class ConformanceModelParsingTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_conformance_model_imports_or_fails_with_a_model_format_exception()
    {
        Assert.True(Directory.Exists(TestFiles.ConformanceRoot), $"{TestFiles.ConformanceRoot} missing: install Debian's libonnx-testdata");
        var format = new OnnxFormat();
        int imported = 0;
        var reasons = new Dictionary<string, int>();
        foreach (var dir in Directory.EnumerateDirectories(TestFiles.ConformanceRoot).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(dir, "model.onnx");
            if (!File.Exists(path)) continue;
            try
            {
                using var stream = File.OpenRead(path);
                var graph = format.Read(stream, dir);
                // Export must be readable again for everything we import.
                format.FromBytes(format.ToBytes(graph), dir);
                imported++;
            }
            catch (ModelFormatException ex)
            {
                Assert.DoesNotContain('\n', ex.Message);
                var reason = ex.Message.Contains("opset") && ex.Message.Contains("not supported") ? "opset outside 7..21"
                    : ex.Message.Contains("data type") ? "unsupported data type"
                    : ex.Message.Contains("GRAPH") ? "graph attribute (control flow)"
                    : ex.Message.Contains("tensor types") ? "non-tensor value type"
                    : ex.Message;
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }
        }
        output.WriteLine($"imported {imported}; refused {reasons.Values.Sum()}");
        foreach (var (reason, count) in reasons.OrderByDescending(r => r.Value)) output.WriteLine($"  {count,4}  {reason}");
        Assert.True(imported > 700, $"only {imported} conformance models imported");
    }
}
