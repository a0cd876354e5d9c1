using AdmmNn.Runtime.Tests.Support;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.TestUtilities;
using Xunit.Abstractions;

namespace AdmmNn.Runtime.Tests.Execution;

/// <summary>The packed LeNet-5 (about 80x pruned, 3-bit) predicts exactly what the engine predicts on all of Fashion-MNIST's test set.</summary>
public sealed class LeNetParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Packed_LeNet5_matches_the_engine_on_the_full_test_set()
    {
        var g = SimpleCompression.PruneAndQuantize(ModelZoo.Create("lenet5", seed: 7), SimpleCompression.LeNet80x, bits: 3);
        var bytes = EngineReference.Pack(g);
        var model = CompressedModel.Load(bytes);
        Assert.Contains(model.Layers, l => l.Kernel == "sparse");

        var test = TestData.FashionMnistTest;
        var images = test.ToFloatImages();
        var engine = GraphModule.FromGraph(g);
        engine.Training = false;
        const int batch = 1000;
        int sample = 28 * 28, mismatches = 0;
        double worst = 0;
        var logits = new float[batch * 10];
        var engineTime = new System.Diagnostics.Stopwatch();
        var runtimeTime = new System.Diagnostics.Stopwatch();
        for (int start = 0; start < test.Count; start += batch)
        {
            int n = Math.Min(batch, test.Count - start);
            var x = images.AsSpan(start * sample, n * sample).ToArray();
            engineTime.Start();
            var expected = engine.Forward(new Tensor(x, [n, 1, 28, 28])).ToArray();
            engineTime.Stop();
            runtimeTime.Start();
            model.Run(x, n, logits.AsSpan(0, n * 10));
            runtimeTime.Stop();
            for (int i = 0; i < n; i++)
            {
                var e = expected.AsSpan(i * 10, 10);
                var a = logits.AsSpan(i * 10, 10);
                if (ArgMax(e) != ArgMax(a)) mismatches++;
                float scale = 0f;
                foreach (var v in e) scale = Math.Max(scale, Math.Abs(v));
                for (int j = 0; j < 10; j++) worst = Math.Max(worst, Math.Abs(e[j] - a[j]) / Math.Max(scale, 1e-12f));
            }
        }
        output.WriteLine($"{test.Count} images, {mismatches} class mismatches, worst logit error {worst:E2} of the row's largest logit; file {bytes.Length} bytes; engine {engineTime.ElapsedMilliseconds} ms, runtime {runtimeTime.ElapsedMilliseconds} ms");
        Assert.Equal(0, mismatches);
        Assert.True(worst <= 1e-4, $"worst relative logit error {worst}");
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
