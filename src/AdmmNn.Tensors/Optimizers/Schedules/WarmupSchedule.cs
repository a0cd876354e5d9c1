namespace AdmmNn.Tensors.Optimizers.Schedules;

/// <summary>Linear warm-up: inner(step)·(step + 1)/warmupSteps for the first warmupSteps steps, then inner(step).</summary>
public sealed class WarmupSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule _inner;
    private readonly int _warmup;

    /// <summary>Wraps <paramref name="inner"/> with <paramref name="warmupSteps"/> of linear warm-up.</summary>
    public WarmupSchedule(LearningRateSchedule inner, int warmupSteps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        _inner = inner;
        _warmup = warmupSteps;
    }

    /// <inheritdoc />
    public override double RateAt(int step) =>
        step < _warmup ? _inner.RateAt(step) * (step + 1) / _warmup : _inner.RateAt(step);
}
