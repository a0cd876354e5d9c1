using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>How the host CPU target measures (JSON fields are the camelCase property names).</summary>
public sealed class HostCpuProfile
{
    /// <summary>Timed runs per measurement; the median is used.</summary>
    public int Repetitions { get; init; } = 31;

    /// <summary>
    /// Alternating dense/sparse measurement rounds per comparison; each side keeps its fastest median. Pairing the two
    /// in time and taking the minimum keeps other processes' load (which only ever adds time) out of the comparison.
    /// </summary>
    public int Rounds { get; init; } = 3;

    /// <summary>
    /// Milliseconds of untimed dense and sparse runs per op type (Conv, Gemm) before the first measurement in a process,
    /// so the runtime's kernels are tiered up by the JIT (tier-0 code would make the first layers look slow).
    /// </summary>
    public int WarmupMilliseconds { get; init; } = 600;

    /// <summary>Bisection steps on log(ratio) between 1 and <see cref="MaxRatio"/> (8 steps over 1..256 ≈ 2 % precision).</summary>
    public int SearchSteps { get; init; } = 8;

    /// <summary>Largest pruning ratio tried; a layer whose sparse kernel is still slower there gets an infinite break-even.</summary>
    public double MaxRatio { get; init; } = 256;

    /// <summary>Seed for the positions of the kept weights in the timed sparse kernels.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Bits per index the storage estimate charges each nonzero when the workload does not say.</summary>
    public int DefaultIndexBits { get; init; } = 8;

    /// <summary>Keep measurements in a cache file and reuse them (keyed by CPU, runtime build and layer shape).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>The cache file; null or empty: <c>$XDG_CACHE_HOME/admmnn/host-cpu-timings.json</c> (or <c>~/.cache/…</c>).</summary>
    public string? CachePath { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        const string t = "host-cpu";
        ProfileJson.Require(Repetitions is >= 1 and <= 10_000, t, "repetitions", $"must be in 1..10000, got {Repetitions}");
        ProfileJson.Require(Rounds is >= 1 and <= 100, t, "rounds", $"must be in 1..100, got {Rounds}");
        ProfileJson.Require(WarmupMilliseconds is >= 0 and <= 60_000, t, "warmupMilliseconds", $"must be in 0..60000, got {WarmupMilliseconds}");
        ProfileJson.Require(SearchSteps is >= 1 and <= 64, t, "searchSteps", $"must be in 1..64, got {SearchSteps}");
        ProfileJson.Require(double.IsFinite(MaxRatio) && MaxRatio > 1, t, "maxRatio", $"must be a number > 1, got {MaxRatio}");
        ProfileJson.Require(DefaultIndexBits is > 0 and <= 64, t, "defaultIndexBits", $"must be in 1..64, got {DefaultIndexBits}");
    }
}
