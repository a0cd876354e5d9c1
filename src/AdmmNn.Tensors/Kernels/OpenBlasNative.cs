using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// The system OpenBLAS (<c>libopenblas.so.0</c>, Debian's libopenblas0-pthread) bound through function pointers.
/// Loaded at most once per process.
/// </summary>
/// <remarks>
/// Debian's build detects AMD AVX-512 CPUs as Haswell and runs at half speed; OpenBLAS reads OPENBLAS_CORETYPE only
/// from the native environment when the library initializes, so it is set with libc setenv (Environment.SetEnvironmentVariable
/// does not reach native code) before the library is loaded, unless the user already set it.
/// </remarks>
internal static unsafe class OpenBlasNative
{
    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly object Gate = new();
    private static bool attempted;
    private static string? loadError;
    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> sgemm;
    private static delegate* unmanaged<IntPtr> getConfig;
    private static delegate* unmanaged<IntPtr> getCoreName;

    /// <summary>Loads the library on first use; false (with the reason) when it is not installed or lacks cblas_sgemm.</summary>
    public static bool TryLoad(out string? error)
    {
        lock (Gate)
        {
            if (!attempted)
            {
                attempted = true;
                loadError = Load();
            }

            error = loadError;
            return loadError is null;
        }
    }

    /// <summary>OpenBLAS's own description (version, build, core in use), or null when not loaded.</summary>
    public static string? Describe()
    {
        if (!TryLoad(out _))
        {
            return null;
        }

        string config = getConfig != null ? Marshal.PtrToStringUTF8(getConfig()) ?? "" : "";
        string core = getCoreName != null ? Marshal.PtrToStringUTF8(getCoreName()) ?? "" : "";
        return $"{config}; core {core}".Trim();
    }

    /// <summary>C[m0..m1, n0..n1] of <paramref name="job"/> with one cblas_sgemm call on the sub-blocks of A, B and C.</summary>
    public static void Sgemm(in GemmJob job, int m0, int m1, int n0, int n1)
    {
        float* a = job.TransA ? job.A + m0 : job.A + (long)m0 * job.Lda;
        float* b = job.TransB ? job.B + (long)n0 * job.Ldb : job.B + n0;
        float* c = job.C + (long)m0 * job.Ldc + n0;
        sgemm(RowMajor, job.TransA ? Trans : NoTrans, job.TransB ? Trans : NoTrans, m1 - m0, n1 - n0, job.K,
            job.Alpha, a, job.Lda, b, job.Ldb, job.Beta, c, job.Ldc);
    }

    private static string? Load()
    {
        if (Avx512F.IsSupported)
        {
            SetNativeDefault("OPENBLAS_CORETYPE", "SkylakeX");
        }

        // One OpenBLAS thread: the threading is ours (GemmOpenBlas); OpenBLAS's own pool would busy-wait against it.
        SetNativeDefault("OPENBLAS_NUM_THREADS", "1");

        string name = OperatingSystem.IsWindows() ? "libopenblas.dll" : OperatingSystem.IsMacOS() ? "libopenblas.dylib" : "libopenblas.so.0";
        if (!NativeLibrary.TryLoad(name, out IntPtr handle))
        {
            return $"{name} could not be loaded (install libopenblas0-pthread)";
        }

        if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out IntPtr sgemmAddress))
        {
            return $"{name} has no cblas_sgemm export";
        }

        sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemmAddress;
        if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out IntPtr threadsAddress))
        {
            // Also when the user set OPENBLAS_NUM_THREADS: GemmOpenBlas already runs Gemm.Threads calls side by side.
            ((delegate* unmanaged<int, void>)threadsAddress)(1);
        }

        if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out IntPtr configAddress))
        {
            getConfig = (delegate* unmanaged<IntPtr>)configAddress;
        }

        if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out IntPtr coreAddress))
        {
            getCoreName = (delegate* unmanaged<IntPtr>)coreAddress;
        }

        return null;
    }

    /// <summary>Sets a variable in the native environment (where OpenBLAS reads it at load) unless the user set it.</summary>
    private static void SetNativeDefault(string name, string value)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) || Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }

        try
        {
            _ = setenv(name, value, 0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc setenv: OpenBLAS still works with its own defaults.
        }
    }

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int setenv(string name, string value, int overwrite);
}
