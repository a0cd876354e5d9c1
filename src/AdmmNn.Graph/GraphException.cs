namespace AdmmNn.Graph;

/// <summary>A graph the simplifier or shape inference cannot make sense of; the message names the node.</summary>
public sealed class GraphException(string message) : Exception(message);
