namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Runs the parts of one GEMM on the calling thread plus thread-pool workers. Parts are claimed from a shared counter,
/// so the caller never idles waiting for a worker that has not started (it simply runs the part itself); which thread
/// runs a part never changes the result. One instance per calling thread is reused while no worker still holds it.
/// </summary>
internal sealed unsafe class GemmParallelCall : IThreadPoolWorkItem
{
    [ThreadStatic]
    private static GemmParallelCall? cached;

    private readonly ManualResetEventSlim done = new(false);
    private GemmJob job;
    private delegate*<in GemmJob, int, int, bool, void> body;
    private int parts;
    private bool splitN;
    private int next;
    private int unfinished;
    private int queued;
    private Exception? failure;

    public static void Run(in GemmJob job, delegate*<in GemmJob, int, int, bool, void> body, int parts, bool splitN)
    {
        GemmParallelCall? call = cached;
        if (call is null || Volatile.Read(ref call.queued) != 0)
        {
            call = new GemmParallelCall();
            cached = call;
        }

        call.job = job;
        call.body = body;
        call.parts = parts;
        call.splitN = splitN;
        call.failure = null;
        call.next = 0;
        call.unfinished = parts;
        call.queued = parts - 1;
        call.done.Reset();
        for (int i = 1; i < parts; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(call, preferLocal: false);
        }

        call.Work();
        if (Volatile.Read(ref call.unfinished) != 0)
        {
            call.done.Wait();
        }

        if (call.failure is { } error)
        {
            throw new InvalidOperationException("GEMM worker failed.", error);
        }
    }

    public void Execute()
    {
        Work();
        Interlocked.Decrement(ref queued);
    }

    private void Work()
    {
        int index;
        while ((index = Interlocked.Increment(ref next) - 1) < parts)
        {
            try
            {
                body(in job, index, parts, splitN);
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            if (Interlocked.Decrement(ref unfinished) == 0)
            {
                done.Set();
            }
        }
    }
}
