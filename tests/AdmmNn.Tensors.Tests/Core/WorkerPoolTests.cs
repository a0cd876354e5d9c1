using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Core;

/// <summary>
/// The engine's own worker threads behind <see cref="Workers"/>: same ranges and results as the
/// <see cref="Parallel.For(int, int, Action{int})"/> path, correct with concurrent callers, nested loops, exceptions,
/// thread-count changes, threads that never arrive and threads that block every time.
/// </summary>
[Collection(WorkersCollection.Name)]
public sealed class WorkerPoolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A reduction whose bits depend on the ranges: per-worker partial sums in item order, then in worker order.</summary>
    private static (float Sum, int[] WorkerOf) Reduce(int count, int threads, float[] values)
    {
        var partial = new float[threads];
        var workerOf = new int[count];
        Workers.For(count, 1_000_000, threads, (item, worker) =>
        {
            partial[worker] += values[item] * values[item] + 1e-3f / (item + 1);
            workerOf[item] = worker;
        });
        float sum = 0;
        foreach (float p in partial)
        {
            sum += p;
        }

        return (sum, workerOf);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Ranges_and_reduced_bits_equal_the_Parallel_For_path(int threads)
    {
        var random = new Random(7);
        float[] values = Enumerable.Range(0, 1001).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        bool saved = Workers.UsePool;
        try
        {
            Workers.UsePool = false;
            (float expectedSum, int[] expectedWorkers) = Reduce(values.Length, threads, values);
            Workers.UsePool = true;
            for (int repeat = 0; repeat < 20; repeat++)
            {
                (float sum, int[] workers) = Reduce(values.Length, threads, values);
                Assert.Equal(BitConverter.SingleToInt32Bits(expectedSum), BitConverter.SingleToInt32Bits(sum));
                Assert.Equal(expectedWorkers, workers);
            }
        }
        finally
        {
            Workers.UsePool = saved;
        }

        // The ranges themselves: worker w gets [count·w / threads, count·(w + 1) / threads).
        (_, int[] workerOf) = Reduce(10, threads, values);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Enumerable.Range(0, threads).Last(w => 10 * w / threads <= i)), workerOf);
    }

    [Fact]
    public void Thread_count_changes_between_calls_keep_every_range()
    {
        float[] values = Enumerable.Range(0, 97).Select(i => (float)Math.Sin(i)).ToArray();
        foreach (int threads in new[] { 2, 3, 1, 2, 3, 3, 1, 2 })
        {
            (_, int[] workerOf) = Reduce(values.Length, threads, values);
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(Enumerable.Range(0, threads).Last(w => 97 * w / threads <= i), workerOf[i]);
            }
        }
    }

    /// <summary>Several threads calling at once (one takes the pool, the others fall back): every item once, every time.</summary>
    [Fact]
    public async Task Concurrent_callers_each_get_all_their_items()
    {
        int failures = 0;
        var callers = Enumerable.Range(0, 4).Select(c => Task.Run(() =>
        {
            for (int round = 0; round < 200; round++)
            {
                int count = 17 + (c * 7 + round) % 40;
                var hits = new int[count];
                bool free = (round & 1) == 1;
                Action<int, int> body = (item, worker) =>
                {
                    if (worker is < 0 or > 1 || !Workers.IsInsideWorker)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    Interlocked.Increment(ref hits[item]);
                };
                if (free)
                {
                    Workers.ForEachFree(count, 1_000_000, 2, body);
                }
                else
                {
                    Workers.For(count, 1_000_000, 2, body);
                }

                if (hits.Any(h => h != 1))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Task.WhenAll(callers).WaitAsync(Patience); // throws on a hang
        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Exceptions_reach_the_caller_and_the_pool_stays_usable(bool free)
    {
        var pool = new WorkerPool(100);
        for (int round = 0; round < 3; round++)
        {
            Assert.True(pool.TryEnter());
            var error = Assert.Throws<AggregateException>(() => pool.Run(40, 2, free, (item, _) =>
            {
                if (item == 25)
                {
                    throw new InvalidOperationException("item 25");
                }
            }));
            Assert.Contains(error.InnerExceptions, e => e is InvalidOperationException { Message: "item 25" });

            var hits = new int[40];
            Assert.True(pool.TryEnter());
            pool.Run(40, 2, free, (item, _) => Interlocked.Increment(ref hits[item]));
            Assert.All(hits, h => Assert.Equal(1, h));
        }

        // Through Workers (pool or fallback): same exception type as Parallel.For, and later loops still run.
        var thrown = Assert.Throws<AggregateException>(() => Workers.For(10, 1_000_000, 2, (item, _) =>
        {
            if (item == 9)
            {
                throw new ArgumentException("nine");
            }
        }));
        Assert.Contains(thrown.InnerExceptions, e => e is ArgumentException);
        int ran = 0;
        Workers.For(10, 1_000_000, 2, (_, _) => Interlocked.Increment(ref ran));
        Assert.Equal(10, ran);
    }

    [Fact]
    public void Nested_loops_run_serially_on_the_outer_workers_thread()
    {
        int wrong = 0, inner = 0;
        Workers.For(6, 1_000_000, 2, (_, _) =>
        {
            int outer = Environment.CurrentManagedThreadId;
            Workers.For(5, 1_000_000, 2, (_, worker) =>
            {
                Interlocked.Increment(ref inner);
                if (worker != 0 || Environment.CurrentManagedThreadId != outer || !Workers.IsInsideWorker)
                {
                    Interlocked.Increment(ref wrong);
                }
            });
        });
        Assert.Equal(0, wrong);
        Assert.Equal(30, inner);
    }

    /// <summary>A pool whose threads never come (limit 0) or fewer threads than slots: the free ones claim the rest, ranges unchanged.</summary>
    [Theory]
    [InlineData(0, 2, false)]
    [InlineData(0, 3, false)]
    [InlineData(1, 3, false)]
    [InlineData(0, 3, true)]
    [InlineData(1, 3, true)]
    public void Slots_no_thread_claims_fall_to_whoever_is_free(int threadLimit, int slots, bool free)
    {
        var pool = new WorkerPool(100, threadLimit);
        var hits = new int[50];
        var workerOf = new int[50];
        var busy = new int[slots];
        int overlap = 0;
        Assert.True(pool.TryEnter());
        pool.Run(50, slots, free, (item, worker) =>
        {
            if (Interlocked.Increment(ref busy[worker]) != 1)
            {
                Interlocked.Increment(ref overlap);
            }

            Interlocked.Increment(ref hits[item]);
            workerOf[item] = worker;
            Interlocked.Decrement(ref busy[worker]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.Equal(0, overlap);
        Assert.True(pool.ThreadCount <= threadLimit);
        if (!free)
        {
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal(Enumerable.Range(0, slots).Last(w => 50 * w / slots <= i), workerOf[i]);
            }
        }
    }

    /// <summary>
    /// Item 0 waits for item 1, which is in the other slot: both slots must run at once, not one after the other. A fresh
    /// pool each round: its thread, started for this very loop, may start after the loop was published and must still
    /// take part in it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_blocked_slot_does_not_keep_the_other_from_running(bool free)
    {
        for (int round = 0; round < 20; round++)
        {
            var pool = new WorkerPool(round % 2 == 0 ? 0 : 100, 1);
            Assert.True(await SecondSlotRunsWhileFirstWaits(pool, free), $"round {round}: the other slot never ran while the first waited");

            // The same pool again, its thread now waiting for the next loop.
            Assert.True(await SecondSlotRunsWhileFirstWaits(pool, free), $"round {round}, second loop");
        }
    }

    /// <summary>One loop of two slots in which item 0 waits (up to 10 s) for item 1: true when item 1 ran meanwhile.</summary>
    private static async Task<bool> SecondSlotRunsWhileFirstWaits(WorkerPool pool, bool free)
    {
        using var released = new ManualResetEventSlim(false);
        bool waited = false;
        Assert.True(pool.TryEnter());
        await Task.Run(() => pool.Run(2, 2, free, (item, _) =>
        {
            if (item == 0)
            {
                waited = released.Wait(TimeSpan.FromSeconds(10));
            }
            else
            {
                released.Set();
            }
        })).WaitAsync(Patience);
        return waited;
    }

    /// <summary>
    /// With no polling, the pool's thread blocks after every loop; in each loop item 0 waits for item 1 (the other slot),
    /// so a lost wake-up leaves item 0 waiting instead of letting the caller run both.
    /// </summary>
    [Fact]
    public async Task Threads_that_block_after_every_loop_are_always_woken()
    {
        var pool = new WorkerPool(0, 1);
        int stuck = 0;
        var run = Task.Run(() =>
        {
            for (int round = 0; round < 1000; round++)
            {
                var arrived = new int[1];
                Assert.True(pool.TryEnter());
                pool.Run(2, 2, (round & 1) == 0, (item, _) =>
                {
                    if (item == 1)
                    {
                        Volatile.Write(ref arrived[0], 1);
                    }
                    else if (!SpinWait.SpinUntil(() => Volatile.Read(ref arrived[0]) == 1, Patience))
                    {
                        Interlocked.Increment(ref stuck);
                    }
                });
            }
        });
        await run.WaitAsync(3 * Patience);
        Assert.Equal(0, stuck);
    }

    /// <summary>A loop allocates nothing on the caller (Parallel.For allocated its options, closures and tasks per call).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loops_allocate_nothing_on_the_caller(bool free)
    {
        var pool = new WorkerPool(100);
        var sums = new long[3];
        Action<int, int> body = (item, worker) => Interlocked.Add(ref sums[worker], item);
        for (int warm = 0; warm < 10; warm++)
        {
            Assert.True(pool.TryEnter());
            pool.Run(64, 3, free, body);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            Assert.True(pool.TryEnter());
            pool.Run(64, 3, free, body);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(110L * 64 * 63 / 2, sums.Sum());
    }
}
