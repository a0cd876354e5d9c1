using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Format;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Runtime.Tests.Support;

/// <summary>Runs a graph on the training engine and on the packed runtime, for side-by-side comparison.</summary>
internal static class EngineReference
{
    public static float[] RunEngine(ModelGraph g, float[] input, int[] shape)
    {
        var module = GraphModule.FromGraph(g);
        module.Training = false;
        var outputs = module.Run(new Dictionary<string, Tensor> { [g.Inputs[0].Name] = new Tensor((float[])input.Clone(), shape) });
        return outputs[g.Outputs[0].Name].ToArray();
    }

    public static byte[] Pack(ModelGraph g)
    {
        using var ms = new MemoryStream();
        PackedModelWriter.Write(g, ms);
        return ms.ToArray();
    }

    public static float[] RandomInput(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Asserts |a - b| &lt;= tol * max(1, |b|) elementwise (relative for large values, absolute near zero).</summary>
    public static void AssertClose(float[] expected, float[] actual, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float scale = Math.Max(1f, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
