using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Runs the parts of one GEMM on the engine's workers (<see cref="Workers.ForEachFree"/>): parts are handed out one at a
/// time to whichever thread is free, so the caller never idles waiting for a worker that has not started (it simply runs
/// the part itself); which thread runs a part never changes the result. Sharing the engine's threads matters on two
/// cores: a thread-pool thread of its own would compete with the engine's polling thread for the second core. One
/// instance (and its part delegate) per calling thread is reused: a finished loop leaves no thread holding it.
/// </summary>
internal sealed unsafe class GemmParallelCall
{
    [ThreadStatic]
    private static GemmParallelCall? cached;

    private readonly Action<int, int> part;
    private GemmJob job;
    private delegate*<in GemmJob, int, int, bool, void> body;
    private int parts;
    private bool splitN;
    private bool running;

    private GemmParallelCall() => part = (index, _) => body(in job, index, parts, splitN);

    public static void Run(in GemmJob job, delegate*<in GemmJob, int, int, bool, void> body, int parts, bool splitN)
    {
        GemmParallelCall? call = cached;
        if (call is null || call.running)
        {
            call = new GemmParallelCall(); // a GEMM started from inside one of this thread's parts: its own instance
            cached ??= call;
        }

        call.job = job;
        call.body = body;
        call.parts = parts;
        call.splitN = splitN;
        call.running = true;
        try
        {
            Workers.ForEachFree(parts, long.MaxValue / Math.Max(1, parts), parts, call.part);
        }
        catch (AggregateException error)
        {
            throw new InvalidOperationException("GEMM worker failed.", error.InnerExceptions[0]);
        }
        finally
        {
            call.running = false;
        }
    }
}
