namespace AdmmNn.Runtime.Execution;

/// <summary>An op cannot accept its input shapes or attributes; the compiler turns it into an InvalidModelException.</summary>
internal sealed class ShapeException(string message) : Exception(message);
