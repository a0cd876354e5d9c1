namespace AdmmNn.Fuzzing.Mutation;

/// <summary>Produces mutated variants of one seed file.</summary>
public interface IMutator
{
    /// <summary>One mutation; <paramref name="rng"/> alone decides it (same state, same bytes).</summary>
    (byte[] Bytes, string How) Mutate(Random rng);
}
