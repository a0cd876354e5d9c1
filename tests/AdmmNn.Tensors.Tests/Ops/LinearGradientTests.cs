using AdmmNn.Tensors.Tests.Support;

namespace AdmmNn.Tensors.Tests.Ops;

public sealed class LinearGradientTests
{
    [Theory]
    [InlineData(false, false, new[] { 5 })]
    [InlineData(true, false, new[] { 3, 1 })]
    [InlineData(false, true, new[] { 3, 5 })]
    [InlineData(true, true, new int[0])]
    [InlineData(false, true, new[] { 1, 5 })]
    public void Gemm_transposes_alpha_beta_and_broadcast_bias(bool transA, bool transB, int[] cShape)
    {
        const int m = 3, n = 5, k = 7;
        var op = new OpGraph("Gemm").Random("a", transA ? [k, m] : [m, k]).Random("b", transB ? [n, k] : [k, n]).Random("c", cShape)
            .AttrFloat("alpha", 0.5f).AttrFloat("beta", 2f).AttrInt("transA", transA ? 1 : 0).AttrInt("transB", transB ? 1 : 0);
        GradientCheck.Run(op, o => Reference.Gemm(o["a"], o["b"], o["c"], 0.5, 2, transA, transB));
    }

    [Fact]
    public void Gemm_without_bias()
    {
        var op = new OpGraph("Gemm").Random("a", [4, 6]).Random("b", [3, 6]).AttrInt("transB", 1);
        GradientCheck.Run(op, o => Reference.Gemm(o["a"], o["b"], null, 1, 0, false, true));
    }

    [Fact]
    public void MatMul_2d() =>
        GradientCheck.Run(new OpGraph("MatMul").Random("a", [3, 4]).Random("b", [4, 5]), o => Reference.MatMul2D(o["a"], o["b"]));

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4, 5 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 4, 5 })]
    [InlineData(new[] { 1, 3, 4 }, new[] { 2, 4, 5 })]
    public void MatMul_batched_with_broadcasting(int[] a, int[] b)
    {
        GradientCheck.Run(new OpGraph("MatMul").Random("a", a).Random("b", b), o =>
        {
            var x = o["a"];
            var w = o["b"];
            int batches = Math.Max(a.Length == 3 ? a[0] : 1, b.Length == 3 ? b[0] : 1);
            var y = DTensor.Zeros(batches, 3, 5);
            for (int bi = 0; bi < batches; bi++)
            {
                int ia = a.Length == 3 && a[0] > 1 ? bi : 0, ib = b.Length == 3 && b[0] > 1 ? bi : 0;
                for (int i = 0; i < 3; i++)
                for (int j = 0; j < 5; j++)
                {
                    double s = 0;
                    for (int p = 0; p < 4; p++)
                    {
                        s += x.V[(ia * 3 + i) * 4 + p] * w.V[(ib * 4 + p) * 5 + j];
                    }

                    y[bi, i, j] = s;
                }
            }

            return y;
        });
    }
}
