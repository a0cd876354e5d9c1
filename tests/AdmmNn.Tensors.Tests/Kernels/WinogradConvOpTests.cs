using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Tests.Support;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The Winograd path through the op: Conv (+bias) → Add residual → Relu in evaluation mode (fused), forced Winograd
/// against forced im2col + GEMM within the bound of <see cref="WinogradConvTests"/>, the rule's choice, bit-identical
/// results for 1 and 2 threads, and training-mode forwards staying off Winograd.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class WinogradConvOpTests
{
    private const double Epsilon = 1.0 / (1 << 24);

    private static ConvAddReluNet Build(int n, int cin, int cout, int size, int seed) => ConvAddReluNet.Build(n, cin, cout, size, size, seed);

    private static float[] Forward(ConvAddReluNet net, ConvAlgorithm algorithm, int threads) => net.Forward(algorithm, threads);

    [Theory]
    [InlineData(5, 16, 16, 28)]
    [InlineData(7, 32, 32, 14)]
    [InlineData(30, 64, 64, 7)]
    [InlineData(3, 12, 20, 9)]
    public void Forced_winograd_matches_im2col_within_the_bound(int n, int cin, int cout, int size)
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        var net = Build(n, cin, cout, size, n + cin + size);
        float[] winograd = Forward(net, ConvAlgorithm.Winograd, 2), gemm = Forward(net, ConvAlgorithm.Im2Col, 2);
        // The worst-case bound of WinogradConvTests, plus the GEMM's own summation error (Cin·9 terms).
        double maxX = net.X.Max(Math.Abs), maxW = net.W.Max(Math.Abs);
        double bound = (2 * Epsilon * (cin + 10) * 100 * 361 + 2 * Epsilon * cin * 9) * maxX * maxW;
        double largest = 0;
        for (int i = 0; i < gemm.Length; i++)
        {
            double error = Math.Abs(winograd[i] - gemm[i]);
            largest = Math.Max(largest, error);
            Assert.True(error <= bound, $"element {i}: winograd {winograd[i]} vs im2col {gemm[i]} (bound {bound:E2})");
        }

        Assert.True(largest > 0, "Winograd and im2col agree bit for bit: the Winograd path did not run.");
    }

    [Fact]
    public void Results_are_bit_identical_for_one_and_two_threads()
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        // 9 images of 28²: 2 per block, 5 blocks split unevenly over 2 threads.
        var net = Build(9, 16, 24, 28, 3);
        Assert.Equal(Forward(net, ConvAlgorithm.Winograd, 1), Forward(net, ConvAlgorithm.Winograd, 2));
        var small = Build(30, 64, 64, 7, 4);
        Assert.Equal(Forward(small, ConvAlgorithm.Winograd, 1), Forward(small, ConvAlgorithm.Winograd, 2));
    }

    [Fact]
    public void The_rule_picks_winograd_in_evaluation_for_two_blocks_or_more_and_not_for_smaller_batches_or_training()
    {
        if (!WinogradConv.IsSupported)
        {
            return;
        }

        // 14² planes: 3 images per block, so from 6 images (two blocks, one per thread) on.
        var net = Build(6, 16, 16, 14, 5);
        Assert.Equal(Forward(net, ConvAlgorithm.Winograd, 2), Forward(net, ConvAlgorithm.Auto, 2));
        var few = Build(5, 16, 16, 14, 6);
        Assert.NotEqual(Forward(few, ConvAlgorithm.Winograd, 2), Forward(few, ConvAlgorithm.Auto, 2));
        Assert.Equal(Forward(few, ConvAlgorithm.Direct, 2), Forward(few, ConvAlgorithm.Auto, 2));

        // Training mode (unfused ops, no BatchNorm here): Auto keeps the direct kernel.
        net.Module.Training = true;
        try
        {
            Assert.Equal(Forward(net, ConvAlgorithm.Direct, 2), Forward(net, ConvAlgorithm.Auto, 2));
            Assert.NotEqual(Forward(net, ConvAlgorithm.Winograd, 2), Forward(net, ConvAlgorithm.Auto, 2));
        }
        finally
        {
            net.Module.Training = false;
        }
    }
}
