using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Ops;
using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

/// <summary>Clip, HardSigmoid, HardSwish, Erf, Gelu and SiLU (Sigmoid·Mul): forward against double references, backward against finite differences.</summary>
public sealed class ActivationGradientTests
{
    /// <summary>erf by Simpson's rule on 2/√π·exp(−t²): a reference that shares nothing with the engine's series.</summary>
    private static double ErfByQuadrature(double x)
    {
        const int steps = 2000;
        double h = x / steps, sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double w = i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2;
            sum += w * Math.Exp(-(i * h) * (i * h));
        }

        return 2 / Math.Sqrt(Math.PI) * sum * h / 3;
    }

    [Fact]
    public void Clip_with_constant_inputs_as_relu6()
    {
        // ReLU6 as PyTorch writes it from opset 11: min and max are scalar initializers (no gradient flows into them).
        var op = new OpGraph("Clip", opset: 13).Random("x", [2, 3, 4], -9, 9).Float("min", [], [0f]).Float("max", [], [6f]);
        GradientCheck.Run(op, o => Reference.Map(o["x"], v => Math.Clamp(v, 0, 6)));
    }

    [Fact]
    public void Clip_with_only_max_input()
    {
        var op = new OpGraph("Clip", opset: 12).Random("x", [5, 4], -2, 2).Omitted().Float("max", [], [0.5f]);
        GradientCheck.Run(op, o => Reference.Map(o["x"], v => Math.Min(v, 0.5)));
    }

    [Fact]
    public void Clip_with_attributes_before_opset_11()
    {
        var op = new OpGraph("Clip", opset: 7).Random("x", [3, 7], -2, 2).AttrFloat("min", -0.5f).AttrFloat("max", 1f);
        GradientCheck.Run(op, o => Reference.Map(o["x"], v => Math.Clamp(v, -0.5, 1)));
    }

    [Fact]
    public void Clip_without_bounds_is_identity() =>
        GradientCheck.Run(new OpGraph("Clip", opset: 13).Random("x", [6], -5, 5), o => o["x"]);

    [Fact]
    public void HardSigmoid_as_pytorch_writes_it() =>
        GradientCheck.Run(new OpGraph("HardSigmoid").Random("x", [4, 9], -5, 5).AttrFloat("alpha", 1f / 6),
            o => Reference.Map(o["x"], v => Math.Clamp((double)(1f / 6) * v + 0.5, 0, 1)));

    [Fact]
    public void HardSigmoid_defaults() =>
        GradientCheck.Run(new OpGraph("HardSigmoid").Random("x", [3, 8], -4, 4), o => Reference.Map(o["x"], v => Math.Clamp((double)0.2f * v + 0.5, 0, 1)));

    [Fact]
    public void HardSwish() =>
        GradientCheck.Run(new OpGraph("HardSwish").Random("x", [5, 7], -5, 5), o => Reference.Map(o["x"], v => v * Math.Clamp(v / 6 + 0.5, 0, 1)));

    [Fact]
    public void Erf() =>
        GradientCheck.Run(new OpGraph("Erf").Random("x", [4, 6], -4.5, 4.5), o => Reference.Map(o["x"], ErfByQuadrature));

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(3.5, 0.9999992569016276)]
    [InlineData(1e-6, 1.1283791670955126e-6)]
    public void Erf_matches_tabulated_values(double x, double expected) =>
        Assert.True(Math.Abs(ErrorFunction.Erf(x) - expected) <= 1e-12 + 1e-12 * Math.Abs(expected), $"erf({x}) = {ErrorFunction.Erf(x)}");

    [Fact]
    public void Gelu_exact() =>
        GradientCheck.Run(new OpGraph("Gelu", opset: 20).Random("x", [3, 8], -4, 4), o => Reference.Map(o["x"], v => 0.5 * v * (1 + ErfByQuadrature(v / Math.Sqrt(2)))));

    [Fact]
    public void Gelu_tanh_approximation() =>
        GradientCheck.Run(new OpGraph("Gelu", opset: 20).Random("x", [3, 8], -4, 4).AttrString("approximate", "tanh"),
            o => Reference.Map(o["x"], v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))));

    [Fact]
    public void Gelu_composed_from_erf_as_pytorch_exports_it()
    {
        // Before opset 20 torch writes GELU as Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5).
        var op = new OpGraph("Mul").Random("x", [2, 9], -3, 3).Float("half", [], [0.5f]);
        var nodes = op.Graph.Nodes;
        nodes[0].Inputs[0] = "xe";
        op.Graph.Initializers.Add(TensorData.FromFloats("sqrt2", [], [1.4142135f]));
        op.Graph.Initializers.Add(TensorData.FromFloats("one", [], [1f]));
        nodes.InsertRange(0,
        [
            new GraphNode { Name = "div", OpType = "Div", Inputs = ["x", "sqrt2"], Outputs = ["d"] },
            new GraphNode { Name = "erf", OpType = "Erf", Inputs = ["d"], Outputs = ["e"] },
            new GraphNode { Name = "add", OpType = "Add", Inputs = ["e", "one"], Outputs = ["a"] },
            new GraphNode { Name = "mul", OpType = "Mul", Inputs = ["x", "a"], Outputs = ["xe"] },
        ]);
        // sqrt2, one and half are float initializers too, so the check also differentiates through them.
        op.Operands["sqrt2"] = new DTensor([1.4142135f], []);
        op.Operands["one"] = new DTensor([1.0], []);
        GradientCheck.Run(op, o => Reference.Map(o["x"], v => v * (ErfByQuadrature(v / o["sqrt2"].V[0]) + o["one"].V[0]) * o["half"].V[0]));
    }

    [Fact]
    public void Silu_as_sigmoid_times_input()
    {
        // EfficientNet's SiLU: Mul(x, Sigmoid(x)); the gradient reaches x along both paths.
        var op = new OpGraph("Mul").Random("x", [2, 3, 4, 4], -4, 4);
        op.Graph.Nodes[0].Inputs.Add("s");
        op.Graph.Nodes.Insert(0, new GraphNode { Name = "sigmoid", OpType = "Sigmoid", Inputs = ["x"], Outputs = ["s"] });
        GradientCheck.Run(op, o => Reference.Map(o["x"], v => v / (1 + Math.Exp(-v))));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Squeeze_excitation_scale_broadcasts_either_way(bool scaleFirst)
    {
        // Mul of [N,C,H,W] by a per-channel [N,C,1,1] gate, with the gate as either operand.
        int[] map = [2, 3, 4, 5], gate = [2, 3, 1, 1];
        var op = new OpGraph("Mul").Random("a", scaleFirst ? gate : map).Random("b", scaleFirst ? map : gate);
        GradientCheck.Run(op, o => Reference.Binary(o["a"], o["b"], (x, y) => x * y));
    }
}
