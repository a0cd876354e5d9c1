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

    [Fact]
    public void Small_loops_run_on_the_calling_thread()
    {
        int caller = Environment.CurrentManagedThreadId;
        var threads = new HashSet<int>();
        Workers.For(8, 10, (_, _) => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); });
        Assert.Equal([caller], threads);
    }
}
