using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Core;

[Collection(WorkersCollection.Name)]
public sealed class WorkersTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_item_runs_once_with_a_worker_index_below_the_thread_count(int threads)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var hits = new int[37];
            var workers = new int[37];
            Workers.For(37, (item, worker) =>
            {
                Interlocked.Increment(ref hits[item]);
                workers[item] = worker;
                Assert.True(Workers.IsInsideWorker);
            });
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.All(workers, w => Assert.InRange(w, 0, threads - 1));
            Assert.False(Workers.IsInsideWorker);
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    /// <summary>
    /// <see cref="Workers.ForEachFree"/>: every item once, worker indices below the thread count, no two items running at
    /// once under the same worker index (the index picks scratch), serial when small or nested.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Free_items_run_once_each_and_never_share_a_worker_index_at_the_same_time(int threads)
    {
        var hits = new int[101];
        var busy = new int[threads];
        Workers.ForEachFree(101, 1_000_000, threads, (item, worker) =>
        {
            Assert.InRange(worker, 0, threads - 1);
            Assert.Equal(1, Interlocked.Increment(ref busy[worker]));
            Interlocked.Increment(ref hits[item]);
            Assert.True(Workers.IsInsideWorker);
            Thread.SpinWait(200);
            Interlocked.Decrement(ref busy[worker]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.False(Workers.IsInsideWorker);

        int caller = Environment.CurrentManagedThreadId;
        var seen = new HashSet<int>();
        Workers.ForEachFree(8, 10, threads, (_, _) => { lock (seen) seen.Add(Environment.CurrentManagedThreadId); });
        Assert.Equal([caller], seen);

        // Nested inside a worker: the inner loop runs on that worker's thread, as worker 0.
        int nestedOff = 0;
        Workers.ForEachFree(4, 1_000_000, threads, (_, _) =>
        {
            int outer = Environment.CurrentManagedThreadId;
            Workers.ForEachFree(16, 1_000_000, threads, (_, inner) =>
            {
                if (inner != 0 || Environment.CurrentManagedThreadId != outer)
                {
                    Interlocked.Increment(ref nestedOff);
                }
            });
        });
        Assert.Equal(0, nestedOff);
    }

    [Fact]
    public void Small_loops_run_on_the_calling_thread()
    {
        int caller = Environment.CurrentManagedThreadId;
        var threads = new HashSet<int>();
        Workers.For(8, 10, (_, _) => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); });
        Assert.Equal([caller], threads);
    }
}
