using System.Diagnostics;

namespace AdmmNn.Tensors.Parallelism;

/// <summary>
/// The engine's own worker threads behind <see cref="Workers"/>: long-lived background threads that, after a loop, poll
/// for a bounded time (<see cref="SpinTicks"/>) for the next one before they block, so back-to-back loops neither
/// wake a thread-pool thread each nor allocate <see cref="Parallel.For(int, int, Action{int})"/>'s per-call objects.
/// One loop runs at a time (<see cref="TryEnter"/>); the caller takes part.
/// </summary>
/// <remarks>
/// A loop is a number of slots (<c>worker</c> indices); each is claimed by exactly one thread, whichever asks first, and
/// run to the end by it. The claim word packs the loop's generation, its slot count and the next free slot, so a thread
/// that arrives late (from an earlier loop) can never claim a slot of another loop: its compare-and-swap fails. The loop's
/// other fields are written before its claim word is published, and rewritten only after every slot of the loop has
/// completed, so a thread holding a slot always reads its own loop's fields.
/// </remarks>
internal sealed class WorkerPool
{
    /// <summary>Most slots in one loop (the slot fields of the claim word are 16 bits).</summary>
    public const int MaxSlots = 1024;

    private const int Awake = 0, Sleeping = 1;

    private readonly Lock _grow = new(); // guards growing the thread array and the failure list
    private readonly ManualResetEventSlim _done = new(false);
    private Worker[] _threads = [];
    private int _busy;

    // The current loop. _claim: generation (bits 32-63), slot count (16-31), next unclaimed slot (0-15).
    private long _claim;
    private int _completed;
    private int _nextItem;
    private int _count;
    private bool _free;
    private Action<int, int>? _body;
    private volatile bool _failed;
    private List<Exception>? _failures;

    /// <summary>How long (in <see cref="Stopwatch"/> ticks) an idle worker polls for the next loop before it blocks.</summary>
    public long SpinTicks { get; }

    private readonly int _threadLimit;

    /// <summary>
    /// Creates a pool whose idle threads poll for <paramref name="spinMicroseconds"/> µs before blocking, with at most
    /// <paramref name="threadLimit"/> threads of its own (tests pass 0 or 1: slots no thread claims fall to the caller).
    /// </summary>
    public WorkerPool(int spinMicroseconds, int threadLimit = MaxSlots - 1)
    {
        SpinTicks = Math.Max(0, spinMicroseconds) * Stopwatch.Frequency / 1_000_000;
        _threadLimit = Math.Max(0, threadLimit);
    }

    /// <summary>Threads started so far (they are never stopped: background threads, blocked when idle).</summary>
    public int ThreadCount => Volatile.Read(ref _threads).Length;

    /// <summary>Takes the pool for one loop; false when another thread's loop is running (that caller must not wait).</summary>
    public bool TryEnter() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    /// <summary>
    /// Runs one loop of <paramref name="slots"/> slots (2 ≤ slots ≤ <see cref="MaxSlots"/>) on the caller and the pool's
    /// threads, then releases the pool. <paramref name="free"/>: items are handed out one at a time to whichever slot asks
    /// (<see cref="Workers.ForEachFree"/>); otherwise slot w runs the contiguous range w of <paramref name="count"/> items
    /// (<see cref="Workers.For(int, long, int, Action{int, int})"/>). Exceptions from the body are collected and rethrown
    /// here as an <see cref="AggregateException"/>, as <see cref="Parallel.For(int, int, Action{int})"/> does; slots not
    /// yet started then skip their items.
    /// </summary>
    public void Run(int count, int slots, bool free, Action<int, int> body)
    {
        Debug.Assert(Volatile.Read(ref _busy) == 1 && slots >= 2 && slots <= MaxSlots);
        try
        {
            EnsureThreads(Math.Min(slots - 1, _threadLimit));
            _count = count;
            _free = free;
            _body = body;
            _nextItem = 0;
            _completed = 0;
            _failed = false;
            _failures = null;
            _done.Reset();
            long generation = (long)(((ulong)_claim >> 32) + 1) & 0xFFFF_FFFF;
            long claim = (generation << 32) | ((long)slots << 16);
            Volatile.Write(ref _claim, claim);
            Wake(slots - 1);

            Participate(claim);
            AwaitCompletion(slots);
            _body = null;
            if (_failures is { } failures)
            {
                throw new AggregateException(failures);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Waits until every slot has completed: polls (the other slots usually end within microseconds of the caller's),
    /// then blocks. Always returns through <see cref="_done"/>, so the last slot's Set happens before the next loop resets it.
    /// </summary>
    private void AwaitCompletion(int slots)
    {
        var poll = new BoundedPoll(SpinTicks);
        while (Volatile.Read(ref _completed) != slots && poll.Continue())
        {
        }

        _done.Wait();
    }

    /// <summary>Claims and runs slots of the loop published as <paramref name="published"/> until none is left.</summary>
    private void Participate(long published)
    {
        long generation = published >> 32;
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            int slots = (int)((claim >> 16) & 0xFFFF), slot = (int)(claim & 0xFFFF);
            if (claim >> 32 != generation || slot >= slots)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _claim, claim + 1, claim) == claim)
            {
                RunSlot(slot, slots);
            }
        }
    }

    /// <summary>Runs slot <paramref name="slot"/>'s items (the loop cannot move on until this slot completes).</summary>
    private void RunSlot(int slot, int slots)
    {
        Action<int, int> body = _body!;
        int count = _count;
        try
        {
            if (!_failed)
            {
                if (_free)
                {
                    Workers.RunFree(count, slot, ref _nextItem, body);
                }
                else
                {
                    Workers.RunRange(count, slot, slots, body);
                }
            }
        }
        catch (Exception ex)
        {
            _failed = true;
            lock (_grow)
            {
                (_failures ??= []).Add(ex);
            }
        }

        if (Interlocked.Increment(ref _completed) == slots)
        {
            _done.Set();
        }
    }

    /// <summary>Wakes blocked threads among the first <paramref name="needed"/> (those spinning see the loop themselves).</summary>
    private void Wake(int needed)
    {
        Worker[] threads = _threads;
        for (int i = 0; i < needed && i < threads.Length; i++)
        {
            Worker worker = threads[i];
            if (Interlocked.CompareExchange(ref worker.State, Awake, Sleeping) == Sleeping)
            {
                worker.Signal.Release();
            }
        }
    }

    private void EnsureThreads(int needed)
    {
        if (Volatile.Read(ref _threads).Length >= needed)
        {
            return;
        }

        lock (_grow)
        {
            var threads = new Worker[needed];
            Array.Copy(_threads, threads, _threads.Length);
            for (int i = _threads.Length; i < needed; i++)
            {
                // The thread may start after the loop about to be published: it must count that loop as new.
                threads[i] = new Worker(this, i, _claim >> 32);
            }

            Volatile.Write(ref _threads, threads);
            for (int i = 0; i < needed; i++)
            {
                threads[i].Start();
            }
        }
    }

    /// <summary>One pool thread: waits for a loop newer than the last one it saw, takes part, repeats.</summary>
    private sealed class Worker(WorkerPool pool, int index, long seenGeneration)
    {
        /// <summary><see cref="Awake"/> or <see cref="Sleeping"/>; whoever moves it from Sleeping to Awake releases <see cref="Signal"/>.</summary>
        public int State;

        public readonly SemaphoreSlim Signal = new(0);

        private Thread? _thread;

        public void Start()
        {
            if (_thread is not null)
            {
                return;
            }

            _thread = new Thread(Loop) { IsBackground = true, Name = $"AdmmNn worker {index + 1}" };
            _thread.Start();
        }

        private void Loop()
        {
            long seen = seenGeneration;
            while (true)
            {
                long claim = WaitForLoop(seen);
                seen = claim >> 32;
                pool.Participate(claim);
            }
        }

        /// <summary>The claim word of the first loop whose generation is not <paramref name="seen"/>: polled, then blocked for.</summary>
        private long WaitForLoop(long seen)
        {
            long claim;
            var poll = new BoundedPoll(pool.SpinTicks);
            while ((claim = Volatile.Read(ref pool._claim)) >> 32 == seen)
            {
                if (!poll.Continue())
                {
                    claim = Block(seen);
                    poll = new BoundedPoll(pool.SpinTicks);
                }
            }

            return claim;
        }

        /// <summary>Blocks until woken or a loop newer than <paramref name="seen"/> is already there; returns the claim word.</summary>
        private long Block(long seen)
        {
            Volatile.Write(ref State, Sleeping);
            Interlocked.MemoryBarrier();
            long claim = Volatile.Read(ref pool._claim);
            if (claim >> 32 != seen && Interlocked.CompareExchange(ref State, Awake, Sleeping) == Sleeping)
            {
                return claim; // a loop arrived before anyone saw us asleep: no signal is owed
            }

            Signal.Wait(); // either we block, or a waker took State to Awake and released (or will release) the signal
            return Volatile.Read(ref pool._claim);
        }
    }
}
