using AdmmNn.Fuzzing.Targets;

namespace AdmmNn.Fuzzing;

/// <summary>An input that broke a rule: an undocumented exception, or a load/run over the memory or time bound.</summary>
public sealed record FuzzFailure(long Index, string Seed, string Mutation, string Problem, byte[] Bytes, FuzzOutcome Outcome);
