using System.Diagnostics;

namespace AdmmNn.Benchmarks;

/// <summary>Repeated timing of an action: warm-up, then several timed rounds; reports the median and best round.</summary>
public static class Measurement
{
    /// <summary>Seconds per call: (median, best) over <paramref name="rounds"/> rounds of about <paramref name="roundSeconds"/> each.</summary>
    public static (double Median, double Best) SecondsPerCall(Action action, int rounds = 5, double roundSeconds = 0.2)
    {
        var timing = Time(action, rounds, roundSeconds);
        return (timing.Median, timing.Best);
    }

    /// <summary>
    /// Wall seconds per call (median and best round) plus the process CPU seconds per call over all timed rounds.
    /// CPU time is what the work costs whatever else runs on the machine (it includes any spin-waiting).
    /// </summary>
    public static Timing Time(Action action, int rounds = 5, double roundSeconds = 0.2)
    {
        // Warm-up (tiered JIT needs ~0.1 s of quiet after the last tier-0 call to promote, caches, thread pool), and
        // calibrate calls per round.
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.Elapsed.TotalSeconds < Math.Max(0.5, roundSeconds / 2) || calls < 3)
        {
            action();
            calls++;
        }

        double perCall = watch.Elapsed.TotalSeconds / calls;
        int callsPerRound = Math.Max(1, (int)(roundSeconds / perCall));
        var samples = new double[rounds];
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpuStart = process.TotalProcessorTime;
        for (int r = 0; r < rounds; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < callsPerRound; i++)
            {
                action();
            }

            samples[r] = Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerRound;
        }

        process.Refresh();
        double cpuPerCall = (process.TotalProcessorTime - cpuStart).TotalSeconds / ((long)rounds * callsPerRound);
        Array.Sort(samples);
        return new Timing(samples[rounds / 2], samples[0], cpuPerCall);
    }

    /// <summary>Wall seconds per call (median and best round) and process CPU seconds per call.</summary>
    public readonly record struct Timing(double Median, double Best, double CpuPerCall);
}
