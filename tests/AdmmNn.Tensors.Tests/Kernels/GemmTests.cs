using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// Every GEMM backend, managed kernel width and thread count against a naive double-precision reference.
/// The tests call the backends directly and never change the global <see cref="Gemm"/> settings other tests rely on.
/// </summary>
public sealed class GemmTests
{
    /// <summary>
    /// Odd shapes, plus ones that cross block edges: KC = 256 (k 300), MC = 192 (m 201), NC = 2048 (n 2100), the dot
    /// kernel's 1024-deep slices (k 1030), the skinny path (m ≤ 4) and full 12×32 tiles (m 24, n 64).
    /// </summary>
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 5, 7 }, { 17, 33, 9 }, { 31, 1, 64 }, { 1, 47, 13 }, { 13, 35, 1 }, { 24, 64, 70 },
        { 8, 32, 300 }, { 201, 9, 20 }, { 5, 2100, 3 }, { 6, 7, 1030 }, { 4, 19, 100 },
    };

    public static TheoryData<GemmManagedKernel> ManagedKernels()
    {
        var data = new TheoryData<GemmManagedKernel>();
        foreach (GemmManagedKernel kernel in Enum.GetValues<GemmManagedKernel>())
        {
            if (IsSupported(kernel))
            {
                data.Add(kernel);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Managed_kernels_match_reference_for_all_transposes_and_thread_counts(int m, int n, int k)
    {
        foreach (GemmCase problem in Problems(m, n, k))
        {
            foreach (GemmManagedKernel kernel in Enum.GetValues<GemmManagedKernel>().Where(IsSupported))
            {
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    float[] c = problem.FreshC();
                    GemmManaged.Multiply(kernel, threads, problem.TransA, problem.TransB, m, n, k, problem.Alpha,
                        problem.A, problem.Lda, problem.B, problem.Ldb, problem.Beta, c, problem.Ldc, parallelThreshold: 0);
                    problem.AssertMatchesReference(c, $"managed {kernel} threads={threads}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OpenBlas_matches_reference_for_all_transposes(int m, int n, int k)
    {
        Assert.True(OpenBlasNative.TryLoad(out string? error), $"libopenblas0-pthread is a stated dependency: {error}");
        foreach (GemmCase problem in Problems(m, n, k))
        {
            foreach (int threads in new[] { 1, 2 })
            {
                float[] c = problem.FreshC();
                GemmOpenBlas.Multiply(threads, problem.TransA, problem.TransB, m, n, k, problem.Alpha,
                    problem.A, problem.Lda, problem.B, problem.Ldb, problem.Beta, c, problem.Ldc);
                problem.AssertMatchesReference(c, $"openblas threads={threads}");
            }
        }
    }

    [Theory]
    [InlineData(150, 170, 60)]
    [InlineData(171, 150, 61)]
    public void OpenBlas_calls_split_across_threads_match_reference(int m, int n, int k)
    {
        Assert.True(OpenBlasNative.TryLoad(out string? error), $"libopenblas0-pthread is a stated dependency: {error}");
        foreach (GemmCase problem in Problems(m, n, k))
        {
            float[] c = problem.FreshC();
            GemmOpenBlas.Multiply(2, problem.TransA, problem.TransB, m, n, k, problem.Alpha,
                problem.A, problem.Lda, problem.B, problem.Ldb, problem.Beta, c, problem.Ldc);
            problem.AssertMatchesReference(c, "openblas threads=2");
        }
    }

    [Theory]
    [MemberData(nameof(ManagedKernels))]
    public void Managed_result_is_bit_identical_for_any_thread_count(GemmManagedKernel kernel)
    {
        // Packed path (A transposed) and dot-product path (B transposed), each large enough to split.
        foreach (bool transB in new[] { false, true })
        {
            var problem = new GemmCase(203, 170, 300, transA: !transB, transB: transB, alpha: 0.5f, beta: 2f, extraLd: 1, seed: 7);
            float[] single = Run(problem, kernel, 1);
            foreach (int threads in new[] { 2, 3, 5 })
            {
                Assert.Equal(single, Run(problem, kernel, threads));
            }
        }

        static float[] Run(GemmCase p, GemmManagedKernel kernel, int threads)
        {
            float[] c = p.FreshC();
            GemmManaged.Multiply(kernel, threads, p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, p.A, p.Lda, p.B, p.Ldb, p.Beta, c, p.Ldc,
                parallelThreshold: 0);
            return c;
        }
    }

    [Fact]
    public void Managed_rows_do_not_depend_on_the_tile_height_chosen_for_m()
    {
        // m = 24 runs 12-row tiles, m = 20 10-row tiles, m = 16 8-row tiles: shared rows must agree bit for bit.
        Assert.Equal([12, 10, 8], new[] { GemmManaged.Best512Rows(24), GemmManaged.Best512Rows(20), GemmManaged.Best512Rows(16) });
        var full = new GemmCase(24, 70, 90, transA: false, transB: false, alpha: 1f, beta: 0f, extraLd: 0, seed: 11);
        float[] reference = Run(full, 24);
        foreach (int m in new[] { 20, 16 })
        {
            Assert.Equal(reference.AsSpan(0, m * 70).ToArray(), Run(full, m));
        }

        static float[] Run(GemmCase p, int m)
        {
            float[] c = new float[m * p.N];
            GemmManaged.Multiply(GemmManagedKernel.Vector512, 1, false, false, m, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.N);
            return c;
        }
    }

    [Fact]
    public void Public_entry_point_uses_the_selected_backend_correctly()
    {
        var problem = new GemmCase(37, 41, 43, transA: false, transB: true, alpha: 1f, beta: 0f, extraLd: 2, seed: 3);
        float[] c = problem.FreshC();
        Gemm.Multiply(problem.TransA, problem.TransB, problem.M, problem.N, problem.K, problem.Alpha,
            problem.A, problem.Lda, problem.B, problem.Ldb, problem.Beta, c, problem.Ldc);
        problem.AssertMatchesReference(c, $"Gemm.Multiply ({Gemm.Backend})");
    }

    [Fact]
    public void Beta_zero_ignores_nan_in_c()
    {
        float[] a = [1, 2, 3, 4];
        float[] b = [1, 0, 0, 1];
        float[] c = [float.NaN, float.NaN, float.NaN, float.NaN];
        Gemm.Multiply(false, false, 2, 2, 2, 1f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal([1f, 2f, 3f, 4f], c);
    }

    [Fact]
    public void Empty_inner_dimension_scales_c_by_beta()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply(false, false, 2, 3, 0, 1f, [], 1, [], 3, 0.5f, c, 3);
        Assert.Equal([0.5f, 1f, 1.5f, 2f, 2.5f, 3f], c);
    }

    [Fact]
    public void Too_short_buffer_names_the_matrix()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, true, 2, 3, 2, 1f, new float[4], 2, new float[5], 2, 0f, new float[6], 3));
        Assert.Contains("B buffer", ex.Message);
    }

    [Fact]
    public void Leading_dimension_smaller_than_width_is_rejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply(true, false, 2, 2, 3, 1f, new float[6], 1, new float[6], 2, 0f, new float[4], 2));
        Assert.Contains("leading dimension of A", ex.Message);
    }

    private static IEnumerable<GemmCase> Problems(int m, int n, int k)
    {
        int seed = m * 7919 + n * 31 + k;
        yield return new GemmCase(m, n, k, false, false, 1f, 0f, extraLd: 0, seed);
        yield return new GemmCase(m, n, k, false, true, 1.5f, -0.75f, extraLd: 3, seed + 1);
        yield return new GemmCase(m, n, k, true, false, -0.5f, 1f, extraLd: 5, seed + 2);
        yield return new GemmCase(m, n, k, true, true, 2f, 0.25f, extraLd: 1, seed + 3);
    }

    private static bool IsSupported(GemmManagedKernel kernel) => kernel switch
    {
        GemmManagedKernel.Vector512 => GemmMicroKernel512.IsSupported,
        GemmManagedKernel.Vector256 => GemmMicroKernel256.IsSupported,
        GemmManagedKernel.Vector128 => GemmMicroKernel128.IsSupported,
        _ => true,
    };
}
