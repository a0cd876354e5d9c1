namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>A random GEMM problem (with row padding in every matrix) and its double-precision reference check.</summary>
internal sealed class GemmCase
{
    public GemmCase(int m, int n, int k, bool transA, bool transB, float alpha, float beta, int extraLd, int seed)
    {
        (M, N, K, TransA, TransB, Alpha, Beta) = (m, n, k, transA, transB, alpha, beta);
        var rng = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        (Lda, Ldb, Ldc) = (aCols + extraLd, bCols + extraLd, n + extraLd);
        A = RandomValues(rng, aRows * Lda);
        B = RandomValues(rng, bRows * Ldb);
        OriginalC = RandomValues(rng, m * Ldc);
    }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public bool TransA { get; }

    public bool TransB { get; }

    public float Alpha { get; }

    public float Beta { get; }

    public int Lda { get; }

    public int Ldb { get; }

    public int Ldc { get; }

    public float[] A { get; }

    public float[] B { get; }

    public float[] OriginalC { get; }

    public float[] FreshC() => (float[])OriginalC.Clone();

    public override string ToString() => $"m={M} n={N} k={K} tA={TransA} tB={TransB} alpha={Alpha} beta={Beta}";

    /// <summary>Asserts every C element within float rounding of the double reference and the row padding untouched.</summary>
    public void AssertMatchesReference(float[] c, string label)
    {
        var (expected, tolerance) = reference ??= ComputeReference();
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double actual = c[i * Ldc + j];
                Assert.True(Math.Abs(actual - expected[i * N + j]) <= tolerance[i * N + j],
                    $"{label} {this}: C[{i},{j}] = {actual}, expected {expected[i * N + j]} (±{tolerance[i * N + j]})");
            }

            for (int j = N; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                Assert.True(OriginalC[i * Ldc + j] == c[i * Ldc + j], $"{label} {this}: padding C[{i},{j}] was overwritten");
            }
        }
    }

    private (double[] Expected, double[] Tolerance)? reference;

    /// <summary>Double-precision C and a tolerance per element that scales with the magnitude of its terms.</summary>
    private (double[] Expected, double[] Tolerance) ComputeReference()
    {
        var expected = new double[M * N];
        var tolerance = new double[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < K; p++)
                {
                    double av = TransA ? A[p * Lda + i] : A[i * Lda + p];
                    double bv = TransB ? B[j * Ldb + p] : B[p * Ldb + j];
                    sum += av * bv;
                    magnitude += Math.Abs(av * bv);
                }

                double old = OriginalC[i * Ldc + j];
                expected[i * N + j] = Beta == 0f ? Alpha * sum : Alpha * sum + Beta * old;
                tolerance[i * N + j] = 2e-6 * (K + 4) * (Math.Abs(Alpha) * magnitude + Math.Abs(Beta * old)) / Math.Sqrt(K + 1) + 1e-6;
            }
        }

        return (expected, tolerance);
    }

    private static float[] RandomValues(Random rng, int length)
    {
        var data = new float[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return data;
    }
}
