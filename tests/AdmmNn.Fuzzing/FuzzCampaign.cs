using System.Diagnostics;
using AdmmNn.Fuzzing.Mutation;
using AdmmNn.Fuzzing.Targets;

namespace AdmmNn.Fuzzing;

/// <summary>
/// A deterministic mutation campaign: input <c>i</c> comes from a seed file chosen by weight and a <see cref="Random"/>
/// seeded with (campaign seed, i) alone, so any input can be regenerated from its index. Each input is loaded and, when
/// it loads, run once; an undocumented exception, more than <see cref="MaxAllocatedBytes"/> allocated or more than
/// <see cref="MaxMilliseconds"/> of CPU time (the process's, so GC and worker threads count) is a failure.
/// </summary>
public sealed class FuzzCampaign(IFuzzTarget target, IReadOnlyList<FuzzSeed> seeds, Func<byte[], IMutator> mutator, int seed)
{
    private readonly IMutator[] _mutators = seeds.Select(s => mutator(s.Bytes)).ToArray();
    private readonly int[] _bySlot = seeds.SelectMany((s, i) => Enumerable.Repeat(i, Math.Max(1, s.Weight))).ToArray();

    /// <summary>Allocation bound per input (load and run).</summary>
    public long MaxAllocatedBytes { get; init; } = 1L << 30;

    /// <summary>CPU-time bound per input (load and run), in milliseconds.</summary>
    public double MaxMilliseconds { get; init; } = 2000;

    /// <summary>
    /// Every input is run thoroughly when 1; otherwise a seeded one in <c>ThoroughEvery</c> (decided by the campaign seed
    /// and the index alone, so a replay of input i does the same), the others only through the reader.
    /// </summary>
    public int ThoroughEvery { get; init; } = 1;

    /// <summary>Whether input <paramref name="index"/> runs every stage of the target.</summary>
    public bool IsThorough(long index) => ThoroughEvery <= 1 || (uint)StableMix.Of(seed, index, stream: 1) % (uint)ThoroughEvery == 0;

    /// <summary>Called before each input runs (e.g. to record the index for crash recovery).</summary>
    public Action<long>? Starting { get; init; }

    /// <summary>Called for each failure as it is found.</summary>
    public Action<FuzzFailure>? Failed { get; init; }

    /// <summary>The bytes and description of input <paramref name="index"/>, and the seed it came from.</summary>
    public (byte[] Bytes, string How, string Seed) Input(long index)
    {
        var rng = new Random(StableMix.Of(seed, index));
        int s = _bySlot[rng.Next(_bySlot.Length)];
        var (bytes, how) = _mutators[s].Mutate(rng);
        return (bytes, how, seeds[s].Name);
    }

    /// <summary>Runs inputs <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1.</summary>
    public FuzzReport Run(long first, long count)
    {
        var report = new FuzzReport();
        for (long i = first; i < first + count; i++)
        {
            var (bytes, how, seedName) = Input(i);
            Starting?.Invoke(i);
            long before = GC.GetTotalAllocatedBytes(precise: false);
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            bool thorough = IsThorough(i);
            var outcome = target.Run(bytes, thorough);
            double wallMs = clock.Elapsed.TotalMilliseconds;
            // The bound is on CPU time: on a shared machine wall time measures the neighbours as much as the reader.
            double ms = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;

            report.Inputs++;
            report.PerSeed[seedName] = report.PerSeed.GetValueOrDefault(seedName) + 1;
            if (outcome.Verdict == FuzzVerdict.Rejected) report.Rejected++;
            else if (outcome.Verdict == FuzzVerdict.Ran) { report.Loaded++; if (thorough) report.Thorough++; }
            if (allocated > report.MaxAllocatedBytes) (report.MaxAllocatedBytes, report.MaxAllocatedIndex) = (allocated, i);
            if (ms > report.MaxMilliseconds) (report.MaxMilliseconds, report.MaxMillisecondsIndex) = (ms, i);
            report.MaxWallMilliseconds = Math.Max(report.MaxWallMilliseconds, wallMs);

            string? problem = outcome.Verdict == FuzzVerdict.Defect ? outcome.Describe()
                : allocated > MaxAllocatedBytes ? $"allocated {allocated / 1048576.0:F0} MiB (bound {MaxAllocatedBytes / 1048576} MiB) at {outcome.Stage}"
                : ms > MaxMilliseconds ? $"took {ms:F0} ms (bound {MaxMilliseconds:F0} ms) at {outcome.Stage}"
                : null;
            if (problem is null) continue;
            var failure = new FuzzFailure(i, seedName, how, problem, bytes, outcome);
            report.Failures.Add(failure);
            var key = outcome.Verdict == FuzzVerdict.Defect ? Class(outcome) : problem.Split(' ')[0] + " over bound";
            report.FailureClasses[key] = report.FailureClasses.GetValueOrDefault(key) + 1;
            Failed?.Invoke(failure);
        }
        return report;
    }

    private static string Class(FuzzOutcome o)
    {
        var frame = o.Exception?.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        int paren = frame.IndexOf('(');
        return $"{o.Stage}: {o.Exception?.GetType().Name} {(paren > 0 ? frame[..paren] : frame)}";
    }
}
