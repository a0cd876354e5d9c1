namespace AdmmNn.Tensors.Tests.Training;

/// <summary>Tests that change the global thread count run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkersCollection
{
    public const string Name = "Workers.Threads";
}
