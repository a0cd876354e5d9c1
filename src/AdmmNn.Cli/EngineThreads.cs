using AdmmNn.Tensors.Kernels;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Cli;

/// <summary>The <c>--threads</c> option of the verbs that train: one count for the engine's loops and its GEMM.</summary>
internal static class EngineThreads
{
    /// <summary>Checks <paramref name="threads"/> and makes the engine use it (process-wide).</summary>
    public static void Set(int threads)
    {
        if (threads < 1) throw new UserErrorException($"--threads must be at least 1 (got {threads})");
        Workers.Threads = threads;
        Gemm.Threads = threads;
    }
}
