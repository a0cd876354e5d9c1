using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Runtime.Tests.Execution;

public sealed class ConvGeometryTests
{
    [Theory]
    [InlineData(64, 7, 32, 2, 5)]  // ResNet's stem: 7x7 stride 2 pad 3 (total 6 also fits; the least padding that yields 32 wins)
    [InlineData(2, 3, 2, 1, 2)]    // ResNet's last stage at 64x64 input: 3x3 over 2x2 with padding 1
    [InlineData(16, 1, 8, 2, 0)]   // 1x1 stride-2 downsample
    [InlineData(8, 3, 8, 1, 2)]    // 3x3 "same"
    public void Recovers_a_stride_and_padding_that_give_the_output(int size, int kernel, int output, int stride, int totalPad)
    {
        var attributes = ConvGeometry.Attributes([4, 4, kernel, kernel], [4, size, size], [4, output, output]);
        var strides = attributes.Single(a => a.Name == "strides").Ints!;
        var pads = attributes.Single(a => a.Name == "pads").Ints!;
        Assert.Equal([stride, stride], strides);
        Assert.Equal(totalPad, pads[0] + pads[2]);
        Assert.Equal(output, (size + pads[0] + pads[2] - kernel) / strides[0] + 1);
    }

    [Fact]
    public void Depthwise_weights_get_their_group()
    {
        var attributes = ConvGeometry.Attributes([32, 1, 3, 3], [32, 8, 8], [32, 8, 8]);
        Assert.Equal(32, attributes.Single(a => a.Name == "group").Int);
    }

    [Fact]
    public void A_layer_whose_input_is_smaller_than_its_kernel_is_timed()
    {
        // Before: "input 2x2 is smaller than the 3x3 kernel" from the probe model (analyze --target host-cpu on resnet18).
        var seconds = KernelTimer.TimeDense("Conv", [8, 8, 3, 3], [8, 2, 2], repetitions: 1, outputShape: [8, 2, 2]);
        Assert.True(seconds > 0);
        var depthwise = KernelTimer.TimeSparse("Conv", [8, 1, 3, 3], [8, 4, 4], 36, "unstructured", repetitions: 1, seed: 1, outputShape: [8, 2, 2]);
        Assert.True(depthwise > 0);
    }
}
