using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The evaluation-only separable 3×3/2 max pool against the first-maximum scan, bit for bit (ties of ±0, NaN, −∞), and
/// through the op: the fused evaluation pass of a conv → max-pool graph equals the unfused pass.
/// </summary>
public sealed class MaxPool3x3Stride2ValuesTests
{
    [Theory]
    [MemberData(nameof(RandomSeeds.First), 8, MemberType = typeof(RandomSeeds))]
    public void Matches_the_first_maximum_scan_bit_for_bit(int seed)
    {
        var r = new Random(seed);
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            Assert.False(MaxPool3x3Stride2Values.Applies(new ConvShape(16, 16, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1)));
            return;
        }

        for (int trial = 0; trial < 60; trial++)
        {
            int h = r.Next(1, 24), w = trial == 0 ? 32 : r.Next(1, 33);
            var g = new ConvShape(h, w, (h - 1) / 2 + 1, (w - 1) / 2 + 1, 3, 3, 2, 2, 1, 1, 1, 1);
            Assert.True(MaxPool3x3Stride2Values.Applies(g));
            var x = new float[h * w];
            for (int i = 0; i < x.Length; i++)
            {
                int kind = r.Next(40);
                x[i] = kind switch { 0 => float.NaN, 1 => float.NegativeInfinity, 2 => -0f, 3 => 0f, _ => r.Next(-3, 4) * 0.5f };
            }

            var (expected, _) = MaxPoolStride2Tests.Scan(x, g);
            var y = new float[expected.Length + 3];
            y.AsSpan().Fill(42f);
            MaxPool3x3Stride2Values.Forward(x, g, y);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(y[i]), $"{g}: output {i} is {y[i]}, the scan gives {expected[i]}");
            }

            Assert.All(y[expected.Length..], v => Assert.Equal(42f, v));
        }
    }

    [Fact]
    public void Other_geometries_are_not_taken()
    {
        Assert.False(MaxPool3x3Stride2Values.Applies(new ConvShape(16, 33, 8, 17, 3, 3, 2, 2, 1, 1, 1, 1)));
        Assert.False(MaxPool3x3Stride2Values.Applies(new ConvShape(16, 16, 8, 9, 3, 3, 2, 2, 1, 1, 1, 1)));
        Assert.False(MaxPool3x3Stride2Values.Applies(new ConvShape(16, 16, 8, 8, 3, 3, 2, 2, 0, 1, 1, 1)));
        Assert.False(MaxPool3x3Stride2Values.Applies(new ConvShape(16, 16, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1)));
    }

    /// <summary>Conv → Relu → MaxPool 3×3/2 pad 1 on 15×16 planes: fused evaluation (value-only pool) equals the unfused pass bit for bit.</summary>
    [Fact]
    public void Fused_evaluation_pass_equals_the_unfused_pass()
    {
        var r = new Random(3);
        var g = new ModelGraph { OpsetVersion = 17 };
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [3, 2, 15, 16]));
        g.Initializers.Add(TensorData.FromFloats("w", [4, 2, 3, 3], Enumerable.Range(0, 72).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray()));
        var conv = new GraphNode { Name = "conv", OpType = "Conv", Inputs = ["x", "w"], Outputs = ["c"] };
        conv.Attributes.Add(NodeAttribute.Of("kernel_shape", 3, 3));
        conv.Attributes.Add(NodeAttribute.Of("pads", 1, 1, 1, 1));
        g.Nodes.Add(conv);
        g.Nodes.Add(new GraphNode { Name = "relu", OpType = "Relu", Inputs = ["c"], Outputs = ["a"] });
        var pool = new GraphNode { Name = "pool", OpType = "MaxPool", Inputs = ["a"], Outputs = ["y"] };
        pool.Attributes.Add(NodeAttribute.Of("kernel_shape", 3, 3));
        pool.Attributes.Add(NodeAttribute.Of("strides", 2, 2));
        pool.Attributes.Add(NodeAttribute.Of("pads", 1, 1, 1, 1));
        g.Nodes.Add(pool);
        g.Outputs.Add(new ValueInfo("y", ElementType.Float32, [3, 4, 8, 8]));
        var module = GraphModule.FromGraph(g);
        module.Training = false;
        Assert.NotNull(module.EvalSteps);
        var x = new Tensor(Enumerable.Range(0, 3 * 2 * 15 * 16).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray(), [3, 2, 15, 16]);
        float[] fused = module.Forward(x).ToArray();
        module.InputGradients = true;
        float[] plain = module.Forward(x).ToArray();
        Assert.Equal(plain, fused);
    }
}
