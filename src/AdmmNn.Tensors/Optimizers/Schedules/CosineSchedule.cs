namespace AdmmNn.Tensors.Optimizers.Schedules;

/// <summary>Cosine annealing from baseRate at step 0 to minRate at totalSteps (and after).</summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    private readonly double _base;
    private readonly int _total;
    private readonly double _min;

    /// <summary>Creates the schedule.</summary>
    public CosineSchedule(double baseRate, int totalSteps, double minRate = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        _base = baseRate;
        _total = totalSteps;
        _min = minRate;
    }

    /// <inheritdoc />
    public override double RateAt(int step)
    {
        double t = Math.Clamp((double)step / _total, 0, 1);
        return _min + (_base - _min) * 0.5 * (1 + Math.Cos(Math.PI * t));
    }
}
