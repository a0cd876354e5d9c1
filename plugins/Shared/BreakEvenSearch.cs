namespace AdmmNn.Plugins.Shared;

/// <summary>
/// Finds a break-even pruning ratio by bisection when a cost model has no closed form (e.g. a step where the
/// weights start to fit on chip). Needs only that the sparse latency does not decrease as the kept fraction grows.
/// </summary>
internal static class BreakEvenSearch
{
    /// <summary>
    /// The least ratio r ≥ 1 with <paramref name="sparseLatencyAtFraction"/>(1/r) ≤ <paramref name="denseLatency"/>,
    /// to a relative precision of 1e-9; infinity when even a vanishing fraction is slower than dense.
    /// </summary>
    /// <param name="sparseLatencyAtFraction">Sparse latency as a function of the kept fraction x = nonzeros / weights in (0, 1].</param>
    /// <param name="denseLatency">The dense latency to beat.</param>
    public static double Ratio(Func<double, double> sparseLatencyAtFraction, double denseLatency)
    {
        if (sparseLatencyAtFraction(1.0) <= denseLatency) return 1.0;
        const double tiny = 1e-12;
        if (sparseLatencyAtFraction(tiny) > denseLatency) return double.PositiveInfinity;
        // Invariant: f(lo) <= dense < f(hi); bisect in log space so tiny fractions converge as fast as large ones.
        double lo = Math.Log(tiny), hi = 0.0;
        for (var i = 0; i < 200 && hi - lo > 1e-10; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (sparseLatencyAtFraction(Math.Exp(mid)) <= denseLatency) lo = mid; else hi = mid;
        }
        return 1.0 / Math.Exp(lo);
    }
}
