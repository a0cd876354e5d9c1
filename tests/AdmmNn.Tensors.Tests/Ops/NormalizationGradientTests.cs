using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class NormalizationGradientTests
{
    private static OpGraph Bn(int[] x) =>
        new OpGraph("BatchNormalization").Random("x", x, -2, 3).Random("scale", [x[1]], 0.5, 1.5).Random("bias", [x[1]])
            .Random("mean", [x[1]]).Random("var", [x[1]], 0.5, 1.5).AttrFloat("epsilon", 1e-3f);

    [Fact]
    public void BatchNorm_inference_uses_running_statistics() =>
        GradientCheck.Run(Bn([3, 4, 2, 3]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, false));

    [Fact]
    public void BatchNorm_training_uses_batch_statistics() =>
        GradientCheck.Run(Bn([3, 4, 2, 3]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, true), training: true);

    /// <summary>Planes of 63 values: the vectorized per-plane kernels and their scalar tails.</summary>
    [Fact]
    public void BatchNorm_training_on_large_odd_planes() =>
        GradientCheck.Run(Bn([3, 2, 7, 9]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, true), training: true);

    [Fact]
    public void BatchNorm_inference_on_large_odd_planes() =>
        GradientCheck.Run(Bn([2, 3, 5, 11]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, false));

    /// <summary>Planes below 32 values (resnet18-32's 4×4, 2×2, 1×1 stages): statistics vectorized across channels.</summary>
    [Theory]
    [InlineData(5, 7, 1, 1)]
    [InlineData(3, 6, 2, 2)]
    [InlineData(4, 3, 4, 4)]
    [InlineData(2, 5, 3, 5)]
    [InlineData(16, 600, 4, 4)]
    public void BatchNorm_training_on_small_planes(int n, int c, int h, int w) =>
        GradientCheck.Run(Bn([n, c, h, w]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, true), training: true);

    [Fact]
    public void BatchNorm_training_on_2d_input() =>
        GradientCheck.Run(Bn([5, 3]), o => Reference.BatchNorm(o["x"], o["scale"], o["bias"], o["mean"], o["var"], 1e-3, true), training: true);

    [Fact]
    public void Softmax_opset13_single_axis() =>
        GradientCheck.Run(new OpGraph("Softmax", opset: 13).Random("x", [2, 3, 4], -2, 2).AttrInt("axis", 1), o => Reference.Softmax(o["x"], 2, 3, 4, false));

    [Fact]
    public void Softmax_opset11_coerces_to_2d() =>
        GradientCheck.Run(new OpGraph("Softmax", opset: 11).Random("x", [2, 3, 4], -2, 2).AttrInt("axis", 1), o => Reference.Softmax(o["x"], 2, 12, 1, false));

    [Fact]
    public void Softmax_opset13_default_last_axis() =>
        GradientCheck.Run(new OpGraph("Softmax", opset: 13).Random("x", [3, 5], -2, 2), o => Reference.Softmax(o["x"], 3, 5, 1, false));

    [Fact]
    public void LogSoftmax_opset13_middle_axis() =>
        GradientCheck.Run(new OpGraph("LogSoftmax", opset: 13).Random("x", [2, 3, 4], -2, 2).AttrInt("axis", 1), o => Reference.Softmax(o["x"], 2, 3, 4, true));

    [Fact]
    public void LogSoftmax_opset11_default_axis_1() =>
        GradientCheck.Run(new OpGraph("LogSoftmax", opset: 11).Random("x", [2, 3, 2], -2, 2), o => Reference.Softmax(o["x"], 2, 6, 1, true));
}
