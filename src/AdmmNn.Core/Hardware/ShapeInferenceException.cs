namespace AdmmNn.Core.Hardware;

/// <summary>A model's activation shapes cannot be worked out (an op the analyzer does not know, a symbolic dimension).
/// The message names the node and op; it is bad input, not a bug.</summary>
public sealed class ShapeInferenceException(string message) : Exception(message);
