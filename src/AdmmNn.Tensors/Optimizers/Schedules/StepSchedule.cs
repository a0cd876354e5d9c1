namespace AdmmNn.Tensors.Optimizers.Schedules;

/// <summary>Step decay: baseRate·gamma^⌊step / stepSize⌋.</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    private readonly double _base;
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Creates the schedule.</summary>
    public StepSchedule(double baseRate, int stepSize, double gamma = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        _base = baseRate;
        _stepSize = stepSize;
        _gamma = gamma;
    }

    /// <inheritdoc />
    public override double RateAt(int step) => _base * Math.Pow(_gamma, Math.Max(0, step) / _stepSize);
}
