namespace AdmmNn.Cli.Tests;

/// <summary>
/// Tests that run the engine in-process with a thread count (<c>--threads</c>, <c>train</c>) or compare weights across runs.
/// The engine's thread count is process-wide and changes the summation order, so these never run beside each other:
/// a run at one thread next to a reference run at two would differ in the last bits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineThreadsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide engine threads";
}
