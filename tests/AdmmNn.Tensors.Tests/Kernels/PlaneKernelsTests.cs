using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>The vectorized per-plane kernels against plain double-precision loops, on lengths that hit every vector width and tail.</summary>
public sealed class PlaneKernelsTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 49, 63, 196, 785 };

    private static float[] Random(Random r, int n, double scale = 1) => Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * scale)).ToArray();

    private static void Close(double expected, double actual, double magnitude) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5 * Math.Max(1, magnitude), $"expected {expected}, got {actual}");

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Reductions_match_plain_loops(int n)
    {
        var r = new Random(n);
        float[] x = Random(r, n, 3), g = Random(r, n);
        float m = 0.25f;
        double sum = x.Sum(v => (double)v), ssd = x.Sum(v => (v - (double)m) * (v - (double)m));
        double sumG = g.Sum(v => (double)v), dot = x.Select((v, i) => g[i] * (v - (double)m)).Sum();
        double mag = x.Sum(v => Math.Abs((double)v)) + n;
        Close(sum, PlaneKernels.Sum(x), mag);
        Close(ssd, PlaneKernels.SumSquaredDeviation(x, m), mag * 4);
        var (sg, sd) = PlaneKernels.SumAndDot(g, x, m);
        Close(sumG, sg, mag);
        Close(dot, sd, mag * 4);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Affine_and_gradient_match_plain_loops(int n)
    {
        var r = new Random(n + 100);
        float[] x = Random(r, n, 3), g = Random(r, n), dx = Random(r, n);
        float a = 1.5f, b = -0.25f, m = 0.1f, k = 0.7f, c = -0.3f, d = 0.05f;
        var y = new float[n];
        var yRelu = new float[n];
        PlaneKernels.Affine(x, a, b, y, relu: false);
        PlaneKernels.Affine(x, a, b, yRelu, relu: true);
        var expectedDx = dx.Select((v, i) => v + k * (double)g[i] + c * ((double)x[i] - m) + d).ToArray();
        PlaneKernels.AddAffineGradient(g, x, m, k, c, d, dx);
        for (int i = 0; i < n; i++)
        {
            double e = x[i] * (double)a + b;
            Close(e, y[i], 5);
            Close(Math.Max(0, e), yRelu[i], 5);
            Close(expectedDx[i], dx[i], 5);
        }
    }
}
