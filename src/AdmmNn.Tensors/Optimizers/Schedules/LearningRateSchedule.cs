namespace AdmmNn.Tensors.Optimizers.Schedules;

/// <summary>A learning rate as a function of the step (epoch or iteration: the caller decides what a step is).</summary>
public abstract class LearningRateSchedule
{
    /// <summary>Learning rate at <paramref name="step"/> (0-based).</summary>
    public abstract double RateAt(int step);

    /// <summary>Sets <paramref name="optimizer"/>'s learning rate for <paramref name="step"/>.</summary>
    public void Apply(Optimizer optimizer, int step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.LearningRate = RateAt(step);
    }
}
