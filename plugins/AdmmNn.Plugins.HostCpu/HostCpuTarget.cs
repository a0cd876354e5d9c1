using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>
/// This machine's CPU, measured rather than modeled: for each layer shape it times the runtime's dense kernel and its
/// sparse kernel at a given number of nonzeros (batch 1). Each comparison runs <see cref="HostCpuProfile.Rounds"/>
/// alternating dense/sparse rounds (a round = the median of <see cref="HostCpuProfile.Repetitions"/> runs) and keeps
/// each side's fastest round, so load from other processes, which only adds time, does not decide the answer.
/// <para>Break-even: the sparse latency falls as the pruning ratio r grows, so the target bisects on log r between 1 and
/// <see cref="HostCpuProfile.MaxRatio"/> for <see cref="HostCpuProfile.SearchSteps"/> steps and returns the least
/// probed ratio whose sparse time was ≤ the dense time measured beside it (1 when sparse already wins unpruned,
/// infinity when it still loses at the largest ratio). Results are cached per CPU, runtime build and layer shape.</para>
/// </summary>
public sealed class HostCpuTarget : IHardwareTarget
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    public const string TargetName = "host-cpu";

    /// <summary>Op types whose kernels this process has already warmed up (JIT tiering is per process).</summary>
    private static readonly HashSet<string> WarmedUp = [];

    private readonly HostCpuProfile profile;
    private readonly IKernelTimer timer;
    private readonly TimingCache cache;

    internal HostCpuTarget(HostCpuProfile profile, IKernelTimer timer, TimingCache cache)
    {
        profile.Validate();
        this.profile = profile;
        this.timer = timer;
        this.cache = cache;
    }

    /// <inheritdoc />
    public string Name => TargetName;

    /// <inheritdoc />
    public IReadOnlyList<string> PreferredConstraints { get; } = ["unstructured", "filter", "channel"];

    /// <summary>Sparse latencies the break-even search probed for <paramref name="layer"/> (ratio → seconds).</summary>
    public IReadOnlyDictionary<double, double> ProbedSparseSeconds(LayerWorkload layer) =>
        cache.Get(Key(layer, Structure(layer)))?.SparseSecondsByRatio ?? new SortedDictionary<double, double>();

    /// <inheritdoc />
    public LayerCost EstimateDense(LayerWorkload layer) =>
        new(Entry(layer, Structure(layer)).DenseSeconds, double.NaN, layer.Weights * layer.WeightBits, "measured");

    /// <inheritdoc />
    public LayerCost EstimateSparse(LayerWorkload layer)
    {
        if (layer.Structure == "dense") return EstimateDense(layer);
        WarmUp(layer, layer.Structure);
        var seconds = double.PositiveInfinity;
        for (var round = 0; round < profile.Rounds; round++)
            seconds = Math.Min(seconds, timer.Sparse(layer, layer.NonZeros, layer.Structure, profile.Repetitions, profile.Seed));
        var indexBits = layer.IndexBits > 0 ? layer.IndexBits : profile.DefaultIndexBits;
        return new LayerCost(seconds, double.NaN, layer.NonZeros * (layer.WeightBits + indexBits), "measured");
    }

    /// <inheritdoc />
    public double BreakEvenPruningRatio(LayerWorkload layer)
    {
        var structure = Structure(layer);
        var key = Key(layer, structure);
        var entry = Entry(layer, structure);
        if (entry.BreakEvenRatio is { } known) return known;
        WarmUp(layer, structure);

        bool SparseWins(double ratio)
        {
            var nonZeros = Math.Max(1, (long)Math.Round(layer.Weights / ratio));
            double dense = double.PositiveInfinity, sparse = double.PositiveInfinity;
            for (var round = 0; round < profile.Rounds; round++)
            {
                dense = Math.Min(dense, timer.Dense(layer, profile.Repetitions));
                sparse = Math.Min(sparse, timer.Sparse(layer, nonZeros, structure, profile.Repetitions, profile.Seed));
            }
            entry.DenseSeconds = Math.Min(entry.DenseSeconds, dense);
            entry.SparseSecondsByRatio[ratio] = sparse;
            return sparse <= dense;
        }

        double result;
        if (SparseWins(1.0)) result = 1.0;
        else if (!SparseWins(profile.MaxRatio)) result = double.PositiveInfinity;
        else
        {
            // Invariant: sparse loses at lo and wins at hi; the answer is the least winning ratio probed.
            double lo = 0, hi = Math.Log(profile.MaxRatio);
            for (var step = 0; step < profile.SearchSteps; step++)
            {
                var mid = 0.5 * (lo + hi);
                if (SparseWins(Math.Exp(mid))) hi = mid; else lo = mid;
            }
            result = Math.Exp(hi);
        }
        entry.BreakEvenRatio = result;
        cache.Put(key, entry);
        return result;
    }

    private static string Structure(LayerWorkload layer) => layer.Structure == "dense" ? "unstructured" : layer.Structure;

    /// <summary>
    /// Runs the layer's dense and sparse kernels untimed until the JIT has optimized them (once per op type and process):
    /// at least <see cref="HostCpuProfile.WarmupMilliseconds"/>, then until three dense times in a row agree within 10 %
    /// (at most five times the minimum), because tier-up happens in the background and late on a loaded machine.
    /// </summary>
    private void WarmUp(LayerWorkload layer, string structure)
    {
        lock (WarmedUp)
        {
            if (profile.WarmupMilliseconds == 0 || !WarmedUp.Add(layer.OpType)) return;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var recent = new Queue<double>();
        while (clock.ElapsedMilliseconds < 5L * profile.WarmupMilliseconds)
        {
            recent.Enqueue(timer.Dense(layer, 5));
            timer.Sparse(layer, Math.Max(1, layer.Weights / 4), structure, 5, profile.Seed);
            if (recent.Count > 3) recent.Dequeue();
            var settled = recent.Count == 3 && recent.Max() <= 1.1 * recent.Min();
            if (clock.ElapsedMilliseconds >= profile.WarmupMilliseconds && settled) return;
        }
    }

    /// <summary>The cache entry for the layer, measuring the dense kernel first if it is new.</summary>
    private CachedLayerTiming Entry(LayerWorkload layer, string structure)
    {
        var key = Key(layer, structure);
        if (cache.Get(key) is { } hit) return hit;
        WarmUp(layer, structure);
        var dense = double.PositiveInfinity;
        for (var round = 0; round < profile.Rounds; round++) dense = Math.Min(dense, timer.Dense(layer, profile.Repetitions));
        var entry = new CachedLayerTiming { DenseSeconds = dense };
        cache.Put(key, entry);
        return entry;
    }

    private string Key(LayerWorkload layer, string structure) =>
        string.Join('|', timer.Fingerprint, layer.OpType, string.Join('x', layer.WeightShape), string.Join('x', layer.InputShape),
            string.Join('x', layer.OutputShape),
            structure, $"reps{profile.Repetitions}", $"rounds{profile.Rounds}", $"steps{profile.SearchSteps}", $"max{profile.MaxRatio}",
            $"seed{profile.Seed}");
}
