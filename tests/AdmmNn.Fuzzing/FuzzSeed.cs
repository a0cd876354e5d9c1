namespace AdmmNn.Fuzzing;

/// <summary>A seed file and how often (relative weight) inputs are derived from it.</summary>
public sealed record FuzzSeed(string Name, byte[] Bytes, int Weight = 1);
