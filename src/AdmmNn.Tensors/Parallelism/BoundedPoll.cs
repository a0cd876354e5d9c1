using System.Diagnostics;

namespace AdmmNn.Tensors.Parallelism;

/// <summary>
/// A poll loop with a time bound: each <see cref="Continue"/> pauses briefly; every 16th also gives the core to another
/// runnable thread if there is one (on two cores a polling thread must not keep a woken GEMM or thread-pool worker
/// waiting) and reports false once the bound has passed.
/// </summary>
internal struct BoundedPoll(long ticks)
{
    private readonly long _deadline = Stopwatch.GetTimestamp() + ticks;
    private int _polls;

    /// <summary>Pauses; false when the caller should stop polling and block.</summary>
    public bool Continue()
    {
        if ((++_polls & 15) != 0)
        {
            Thread.SpinWait(8);
            return true;
        }

        if (Stopwatch.GetTimestamp() > _deadline)
        {
            return false;
        }

        Thread.Yield();
        return true;
    }
}
