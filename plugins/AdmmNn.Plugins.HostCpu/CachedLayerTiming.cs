namespace AdmmNn.Plugins.HostCpu;

/// <summary>What the cache keeps for one layer shape and structure.</summary>
internal sealed class CachedLayerTiming
{
    /// <summary>Median dense latency, seconds.</summary>
    public double DenseSeconds { get; set; }

    /// <summary>Break-even ratio found by the search, or null when not searched yet.</summary>
    public double? BreakEvenRatio { get; set; }

    /// <summary>Sparse latency (seconds) at each ratio the search probed, for reports.</summary>
    public SortedDictionary<double, double> SparseSecondsByRatio { get; set; } = [];
}
