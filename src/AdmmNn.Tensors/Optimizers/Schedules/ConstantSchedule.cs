namespace AdmmNn.Tensors.Optimizers.Schedules;

/// <summary>The same rate at every step.</summary>
public sealed class ConstantSchedule(double rate) : LearningRateSchedule
{
    /// <inheritdoc />
    public override double RateAt(int step) => rate;
}
