using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class ShapeGradientTests
{
    [Fact]
    public void Flatten_axis_2() =>
        GradientCheck.Run(new OpGraph("Flatten").Random("x", [2, 3, 4, 5]).AttrInt("axis", 2), o => o["x"] with { S = [6, 20] });

    [Fact]
    public void Flatten_negative_axis() =>
        GradientCheck.Run(new OpGraph("Flatten").Random("x", [2, 3, 4]).AttrInt("axis", -1), o => o["x"] with { S = [6, 4] });

    [Fact]
    public void Reshape_with_zero_and_minus_one() =>
        GradientCheck.Run(new OpGraph("Reshape").Random("x", [2, 3, 4]).Int64("shape", [0, -1, 2]), o => o["x"] with { S = [2, 6, 2] });

    [Fact]
    public void Identity() => GradientCheck.Run(new OpGraph("Identity").Random("x", [3, 2]), o => o["x"]);

    [Fact]
    public void Transpose_perm() =>
        GradientCheck.Run(new OpGraph("Transpose").Random("x", [2, 3, 4]).Attr("perm", 1, 2, 0), o => Reference.Transpose(o["x"], [1, 2, 0]));

    [Fact]
    public void Transpose_default_reverses() =>
        GradientCheck.Run(new OpGraph("Transpose").Random("x", [2, 3, 5]), o => Reference.Transpose(o["x"], [2, 1, 0]));

    [Fact]
    public void Concat_axis_1() =>
        GradientCheck.Run(new OpGraph("Concat").Random("a", [2, 3, 4]).Random("b", [2, 1, 4]).Random("c", [2, 2, 4]).AttrInt("axis", 1),
            o => Reference.Concat([o["a"], o["b"], o["c"]], 1));

    [Fact]
    public void Concat_negative_axis() =>
        GradientCheck.Run(new OpGraph("Concat").Random("a", [2, 3]).Random("b", [2, 5]).AttrInt("axis", -1),
            o => Reference.Concat([o["a"], o["b"]], 1));
}
