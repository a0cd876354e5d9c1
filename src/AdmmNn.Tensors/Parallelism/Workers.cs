namespace AdmmNn.Tensors.Parallelism;

/// <summary>
/// The engine's fixed-size parallel loop. Work items are split into contiguous ranges, one per worker, so results
/// that are reduced per item (then summed in item order) are bit-identical for any thread count.
/// </summary>
public static class Workers
{
    /// <summary>Environment variable: <c>0</c> runs loops on <see cref="Parallel.For(int, int, Action{int})"/> instead of the engine's own threads (for A/B measurements).</summary>
    internal const string PoolVariable = "ADMMNN_WORKER_POOL";

    /// <summary>Environment variable: how many µs an idle pool thread polls for the next loop before it blocks (default <see cref="DefaultSpinMicroseconds"/>).</summary>
    internal const string SpinVariable = "ADMMNN_WORKER_SPIN_US";

    /// <summary>
    /// Default of <see cref="SpinVariable"/>: 0, i.e. only the first 15 short polls (<see cref="BoundedPoll"/>) before
    /// blocking. Measured at idle: 100 µs gave resnet-small inference nothing over 0 and cost LeNet-5 inference 8–9 %
    /// (docs/engine-kernels.md, "Parallel loops").
    /// </summary>
    internal const int DefaultSpinMicroseconds = 0;

    private static int _threads = Environment.ProcessorCount;

    /// <summary>The engine's threads, or null when <see cref="PoolVariable"/> is 0.</summary>
    private static readonly WorkerPool? Pool = CreatePool(Environment.GetEnvironmentVariable(PoolVariable), Environment.GetEnvironmentVariable(SpinVariable));

    [ThreadStatic]
    private static bool _inside;

    /// <summary>False runs every loop on <see cref="Parallel.For(int, int, Action{int})"/> (tests compare the two paths).</summary>
    internal static bool UsePool { get; set; } = Pool is not null;

    /// <summary>Number of threads the engine uses (default: processor count; at least 1).</summary>
    public static int Threads
    {
        get => _threads;
        set => _threads = Math.Max(1, value);
    }

    /// <summary>True on a thread currently running a <see cref="For"/> body: kernels called there must not start threads.</summary>
    public static bool IsInsideWorker => _inside;

    /// <summary>Total work (roughly: floats touched) below which a loop runs on the calling thread: waking workers costs more.</summary>
    public const long SerialWorkThreshold = 32_768;

    /// <summary>Runs <paramref name="body"/>(item, worker) for each item in [0, count), on up to <see cref="Threads"/> threads.</summary>
    public static void For(int count, Action<int, int> body) => For(count, long.MaxValue / Math.Max(1, count), body);

    /// <summary>
    /// As <see cref="For(int, Action{int, int})"/>, but runs serially when <paramref name="count"/> × <paramref name="workPerItem"/>
    /// is below <see cref="SerialWorkThreshold"/>.
    /// </summary>
    public static void For(int count, long workPerItem, Action<int, int> body) => For(count, workPerItem, Threads, body);

    /// <summary>
    /// As <see cref="For(int, long, Action{int, int})"/> with an explicit thread count (callers that size per-worker
    /// buffers pass the same snapshot of <see cref="Threads"/>, so a concurrent change cannot exceed them).
    /// </summary>
    public static void For(int count, long workPerItem, int threads, Action<int, int> body)
    {
        if (SerialOrWorkers(count, workPerItem, threads, body) is not { } workers)
        {
            return;
        }

        if (UsePool && Pool is { } pool && workers <= WorkerPool.MaxSlots && pool.TryEnter())
        {
            pool.Run(count, workers, free: false, body);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => RunRange(count, w, workers, body));
    }

    /// <summary>
    /// As <see cref="For(int, long, int, Action{int, int})"/>, but items are handed out one at a time to whichever worker is
    /// free, so a worker that starts late (woken late, or pre-empted by another process) leaves the rest to the others
    /// instead of keeping the caller waiting at the end. Only for bodies whose items are independent (each writes its own
    /// outputs; <c>worker</c> picks scratch only): which worker runs an item then changes nothing in the results.
    /// </summary>
    public static void ForEachFree(int count, long workPerItem, int threads, Action<int, int> body)
    {
        if (SerialOrWorkers(count, workPerItem, threads, body) is not { } workers)
        {
            return;
        }

        if (UsePool && Pool is { } pool && workers <= WorkerPool.MaxSlots && pool.TryEnter())
        {
            pool.Run(count, workers, free: true, body);
            return;
        }

        int next = 0;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w => RunFree(count, w, ref next, body));
    }

    /// <summary>Runs worker <paramref name="worker"/>'s contiguous range of [0, <paramref name="count"/>) split in <paramref name="workers"/>.</summary>
    internal static void RunRange(int count, int worker, int workers, Action<int, int> body)
    {
        int start = (int)((long)count * worker / workers), end = (int)((long)count * (worker + 1) / workers);
        bool was = _inside;
        _inside = true;
        try
        {
            for (int i = start; i < end; i++)
            {
                body(i, worker);
            }
        }
        finally
        {
            _inside = was;
        }
    }

    /// <summary>Runs items taken one at a time from <paramref name="next"/> (shared by all workers) as worker <paramref name="worker"/>.</summary>
    internal static void RunFree(int count, int worker, ref int next, Action<int, int> body)
    {
        bool was = _inside;
        _inside = true;
        try
        {
            for (int i = Interlocked.Increment(ref next) - 1; i < count; i = Interlocked.Increment(ref next) - 1)
            {
                body(i, worker);
            }
        }
        finally
        {
            _inside = was;
        }
    }

    /// <summary>
    /// Runs the loop on the calling thread when it is a single item, too small, or already inside a worker (then null);
    /// otherwise the number of workers to start.
    /// </summary>
    private static int? SerialOrWorkers(int count, long workPerItem, int threads, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count == 1 && !_inside)
        {
            // A single item runs on the caller, which stays free to use threads inside (e.g. a multithreaded GEMM).
            body(0, 0);
            return null;
        }

        int workers = (long)count * workPerItem < SerialWorkThreshold ? 1 : Math.Min(Math.Max(1, threads), count);
        if (workers > 1 && !_inside)
        {
            return workers;
        }

        bool was = _inside;
        _inside = true;
        try
        {
            for (int i = 0; i < count; i++)
            {
                body(i, 0);
            }
        }
        finally
        {
            _inside = was;
        }

        return null;
    }

    private static WorkerPool? CreatePool(string? enabled, string? spin) =>
        enabled?.Trim() == "0" ? null : new WorkerPool(int.TryParse(spin, out int us) && us >= 0 ? us : DefaultSpinMicroseconds);
}
