using AdmmNn.Abstractions.Formats;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>
/// Bit flips in the structural bytes of the real PyTorch model (nodes, attributes, inputs, outputs; not the weight
/// payload, where a flip is just another weight) end, at import, compile or run time, only in the exceptions the CLI
/// reports as one-line user errors.
/// </summary>
public sealed class CorruptLeNetTests(ITestOutputHelper output)
{
    [Fact]
    public void Structural_bit_flips_raise_only_user_facing_exceptions()
    {
        var original = File.ReadAllBytes(TestFiles.LeNetFixture);
        var format = new OnnxFormat();
        var random = new Random(42);
        var outcomes = new Dictionary<string, int>();
        var escaped = new List<string>();
        var input = new Tensor(new float[28 * 28], [1, 1, 28, 28]);
        for (int trial = 0; trial < 150; trial++)
        {
            // The node list sits in the first ~1.5 kB; inputs and outputs in the last ~200 bytes.
            int position = trial % 3 == 0 ? original.Length - 1 - random.Next(200) : random.Next(1500);
            var bytes = (byte[])original.Clone();
            bytes[position] ^= (byte)(1 << random.Next(8));
            string outcome;
            try
            {
                var module = GraphModule.FromGraph(format.FromBytes(bytes));
                module.Forward(input);
                outcome = "still valid";
            }
            catch (ArgumentException ex) when (ex.Message.StartsWith("Input 'input' has shape", StringComparison.Ordinal))
            {
                // A flip in the declared input shape: the caller's batch no longer fits (the CLI checks this up front).
                outcome = "input shape changed";
            }
            catch (Exception ex) when (ex is ModelFormatException or UnsupportedModelException or InvalidModelException)
            {
                Assert.DoesNotContain('\n', ex.Message);
                outcome = ex.GetType().Name;
            }
            catch (Exception ex)
            {
                var frame = ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
                escaped.Add($"byte {position}: {ex.GetType().Name}: {ex.Message} {frame}");
                outcome = "escaped";
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        output.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        foreach (var line in escaped) output.WriteLine("ESCAPED " + line);
        Assert.True(outcomes.GetValueOrDefault(nameof(ModelFormatException)) > 0);
        Assert.Empty(escaped);
    }
}
