using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Single-precision general matrix multiply on row-major storage:
/// <c>C = alpha * op(A) * op(B) + beta * C</c>, where op(X) is X or its transpose.
/// </summary>
/// <remarks>
/// Backend at start-up: the environment variable <c>ADMMNN_GEMM</c> = <c>managed</c> or <c>openblas</c> forces one;
/// otherwise OpenBLAS when <c>libopenblas.so.0</c> loads, else the managed kernel. For a given backend, shape and
/// <see cref="Threads"/>, results are bit-identical from run to run (the managed kernel: for any thread count).
/// </remarks>
public static class Gemm
{
    /// <summary>Name of the environment variable that forces a backend.</summary>
    public const string BackendVariable = "ADMMNN_GEMM";

    private static readonly object Gate = new();
    private static int threads = Math.Max(1, Environment.ProcessorCount);
    private static GemmManagedKernel managedKernel = BestManagedKernel();
    private static GemmBackend? backend;

    /// <summary>
    /// The implementation in use. Setting <see cref="GemmBackend.OpenBlas"/> loads the library and throws
    /// <see cref="InvalidOperationException"/> when it is not available.
    /// </summary>
    public static GemmBackend Backend
    {
        get => backend ?? InitialBackend();
        set
        {
            if (value == GemmBackend.OpenBlas)
            {
                EnsureOpenBlas($"Gemm.Backend = OpenBlas");
            }

            backend = value;
        }
    }

    /// <summary>Whether the OpenBLAS backend can be used on this machine (loads it on first call).</summary>
    public static bool IsOpenBlasAvailable => OpenBlasNative.TryLoad(out _);

    /// <summary>OpenBLAS's build and core description when it is loaded, else null (for benchmark reports).</summary>
    public static string? OpenBlasDescription => OpenBlasNative.Describe();

    /// <summary>
    /// Threads one call may use (default: processor count), for both backends (OpenBLAS itself runs single-threaded and
    /// the call is split into blocks here). Results are bit-identical for a given value (managed: for any value).
    /// Callers that already run GEMMs on several threads at once should set this to 1.
    /// </summary>
    public static int Threads
    {
        get => threads;
        set
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Gemm.Threads must be at least 1.");
            }

            threads = value;
        }
    }

    /// <summary>Vector width of the managed kernel (default: the widest this machine accelerates).</summary>
    public static GemmManagedKernel ManagedKernel
    {
        get => managedKernel;
        set
        {
            if (!IsSupported(value))
            {
                throw new NotSupportedException($"Gemm.ManagedKernel: {value} is not hardware-accelerated on this machine.");
            }

            managedKernel = value;
        }
    }

    /// <summary>
    /// Computes <c>C[m×n] = alpha * op(A)[m×k] * op(B)[k×n] + beta * C</c> on row-major matrices.
    /// </summary>
    /// <param name="transA">When true, <paramref name="a"/> holds A as k×m (row stride <paramref name="lda"/>) and op(A) = Aᵀ.</param>
    /// <param name="transB">When true, <paramref name="b"/> holds B as n×k (row stride <paramref name="ldb"/>) and op(B) = Bᵀ.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">Storage of A.</param>
    /// <param name="lda">Row stride of A as stored (≥ its stored width).</param>
    /// <param name="b">Storage of B.</param>
    /// <param name="ldb">Row stride of B as stored (≥ its stored width).</param>
    /// <param name="beta">Scale of the existing C; when 0, C is overwritten and its old contents (even NaN) are ignored.</param>
    /// <param name="c">Storage of C (m×n).</param>
    /// <param name="ldc">Row stride of C (≥ n).</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            GemmArguments.ScaleC(m, n, beta, c, ldc);
            return;
        }

        // Inside an engine parallel loop both cores are already busy: starting more threads would only add hand-offs.
        int callThreads = Parallelism.Workers.IsInsideWorker ? 1 : threads;
        if (Backend == GemmBackend.OpenBlas)
        {
            GemmOpenBlas.Multiply(callThreads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        else
        {
            GemmManaged.Multiply(managedKernel, callThreads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    private static GemmBackend InitialBackend()
    {
        lock (Gate)
        {
            if (backend is { } chosen)
            {
                return chosen;
            }

            GemmBackend selected = ChooseBackend(Environment.GetEnvironmentVariable(BackendVariable), () => OpenBlasNative.TryLoad(out _),
                () => EnsureOpenBlas($"{BackendVariable}=openblas"));
            backend = selected;
            return selected;
        }
    }

    /// <summary>
    /// The start-up choice for a value of <c>ADMMNN_GEMM</c>: unset/empty picks OpenBLAS when it loads, else managed;
    /// "managed"/"openblas" (any case) force one; anything else is an error naming the variable.
    /// </summary>
    internal static GemmBackend ChooseBackend(string? setting, Func<bool> openBlasLoads, Func<GemmBackend> requireOpenBlas)
    {
        string? forced = setting?.Trim().ToLowerInvariant();
        return forced switch
        {
            null or "" => openBlasLoads() ? GemmBackend.OpenBlas : GemmBackend.Managed,
            "managed" => GemmBackend.Managed,
            "openblas" => requireOpenBlas(),
            _ => throw new InvalidOperationException(
                $"{BackendVariable}='{setting}' is not a GEMM backend; use 'managed' or 'openblas'."),
        };
    }

    private static GemmBackend EnsureOpenBlas(string requestedBy)
    {
        if (!OpenBlasNative.TryLoad(out string? error))
        {
            throw new InvalidOperationException($"{requestedBy}: OpenBLAS is not available: {error}.");
        }

        return GemmBackend.OpenBlas;
    }

    private static bool IsSupported(GemmManagedKernel kernel) => kernel switch
    {
        GemmManagedKernel.Vector512 => GemmMicroKernel512.IsSupported,
        GemmManagedKernel.Vector256 => GemmMicroKernel256.IsSupported,
        GemmManagedKernel.Vector128 => GemmMicroKernel128.IsSupported,
        GemmManagedKernel.Scalar => true,
        _ => false,
    };

    private static GemmManagedKernel BestManagedKernel() =>
        Vector512.IsHardwareAccelerated ? GemmManagedKernel.Vector512
        : Vector256.IsHardwareAccelerated ? GemmManagedKernel.Vector256
        : Vector128.IsHardwareAccelerated ? GemmManagedKernel.Vector128
        : GemmManagedKernel.Scalar;
}
