namespace AdmmNn.Runtime;

/// <summary>Mean time one node took per run.</summary>
/// <param name="Name">Node name.</param>
/// <param name="OpType">Op type.</param>
/// <param name="Milliseconds">Mean milliseconds per run.</param>
public sealed record LayerTiming(string Name, string OpType, double Milliseconds);
