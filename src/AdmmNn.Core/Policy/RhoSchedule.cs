namespace AdmmNn.Core.Policy;

/// <summary>ρ starts at <see cref="Initial"/> and is multiplied by <see cref="Multiplier"/> after every ADMM iteration, up to <see cref="Max"/>.</summary>
public sealed record RhoSchedule
{
    /// <summary>ρ of the first iteration.</summary>
    public double Initial { get; init; } = 1e-3;

    /// <summary>Factor applied after every iteration (1 = constant).</summary>
    public double Multiplier { get; init; } = 1.3;

    /// <summary>Upper bound.</summary>
    public double Max { get; init; } = 1.0;

    /// <summary>ρ at 0-based iteration <paramref name="iteration"/>.</summary>
    public double At(int iteration) => Math.Min(Max, Initial * Math.Pow(Multiplier, iteration));
}
