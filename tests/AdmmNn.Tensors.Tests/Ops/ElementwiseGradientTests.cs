using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class ElementwiseGradientTests
{
    public static TheoryData<string, int[], int[]> BinaryCases()
    {
        var data = new TheoryData<string, int[], int[]>();
        foreach (string op in new[] { "Add", "Sub", "Mul", "Div" })
        {
            data.Add(op, [2, 3, 4], [2, 3, 4]);
            data.Add(op, [2, 3, 4, 5], [3, 1, 1]);
            data.Add(op, [3, 1, 5], [4, 1]);
            data.Add(op, [2, 3], []);
            data.Add(op, [5], [2, 3, 5]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BinaryCases))]
    public void Binary_with_broadcasting(string opType, int[] a, int[] b)
    {
        var op = new OpGraph(opType).Random("a", a).Random("b", b, opType == "Div" ? 0.5 : -1, opType == "Div" ? 1.5 : 1);
        Func<double, double, double> f = opType switch
        {
            "Add" => (x, y) => x + y,
            "Sub" => (x, y) => x - y,
            "Mul" => (x, y) => x * y,
            _ => (x, y) => x / y,
        };
        GradientCheck.Run(op, o => Reference.Binary(o["a"], o["b"], f));
    }

    [Fact]
    public void Relu() => GradientCheck.Run(new OpGraph("Relu").Random("x", [3, 7, 5]), o => Reference.Map(o["x"], v => Math.Max(v, 0)));

    [Fact]
    public void LeakyRelu_alpha() =>
        GradientCheck.Run(new OpGraph("LeakyRelu").Random("x", [4, 9]).AttrFloat("alpha", 0.2f), o => Reference.Map(o["x"], v => v >= 0 ? v : 0.2 * v));

    [Fact]
    public void LeakyRelu_default_alpha() =>
        GradientCheck.Run(new OpGraph("LeakyRelu").Random("x", [11]), o => Reference.Map(o["x"], v => v >= 0 ? v : 0.01 * v));

    [Fact]
    public void Sigmoid() =>
        GradientCheck.Run(new OpGraph("Sigmoid").Random("x", [5, 3], -3, 3), o => Reference.Map(o["x"], v => 1 / (1 + Math.Exp(-v))));

    [Fact]
    public void Tanh() => GradientCheck.Run(new OpGraph("Tanh").Random("x", [5, 3], -2, 2), o => Reference.Map(o["x"], Math.Tanh));
}
