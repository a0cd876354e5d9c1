namespace AdmmNn.Core.Hardware;

/// <summary>
/// The names the policy file and the result file use for <see cref="BelowBreakEvenAction"/> and
/// <see cref="CompressionGoal"/> (<c>dense</c>/<c>raise</c>, <c>computation</c>/<c>storage</c>): short words users type,
/// kept apart from the C# member names so renaming a member never changes the file format.
/// </summary>
public static class HardwareOptionNames
{
    /// <summary>Accepted values of <c>hardware.belowBreakEven</c>, default first.</summary>
    public static IReadOnlyList<string> BelowBreakEvenNames { get; } = ["dense", "raise"];

    /// <summary>Accepted values of <c>hardware.goal</c>, default first.</summary>
    public static IReadOnlyList<string> GoalNames { get; } = ["computation", "storage"];

    /// <summary>The file name of <paramref name="action"/>.</summary>
    public static string Name(BelowBreakEvenAction action) => action == BelowBreakEvenAction.RaiseAboveBreakEven ? "raise" : "dense";

    /// <summary>The file name of <paramref name="goal"/>.</summary>
    public static string Name(CompressionGoal goal) => goal == CompressionGoal.Storage ? "storage" : "computation";

    /// <summary>Parses a <c>belowBreakEven</c> value; throws <see cref="ArgumentException"/> for other words.</summary>
    public static BelowBreakEvenAction ParseBelowBreakEven(string name) => name switch
    {
        "dense" => BelowBreakEvenAction.KeepDense,
        "raise" => BelowBreakEvenAction.RaiseAboveBreakEven,
        _ => throw new ArgumentException($"belowBreakEven must be one of {string.Join(", ", BelowBreakEvenNames)}, got '{name}'", nameof(name)),
    };

    /// <summary>Parses a <c>goal</c> value; throws <see cref="ArgumentException"/> for other words.</summary>
    public static CompressionGoal ParseGoal(string name) => name switch
    {
        "computation" => CompressionGoal.Computation,
        "storage" => CompressionGoal.Storage,
        _ => throw new ArgumentException($"goal must be one of {string.Join(", ", GoalNames)}, got '{name}'", nameof(name)),
    };
}
