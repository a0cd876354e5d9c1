namespace AdmmNn.OnnxRuntime;

/// <summary>No usable <c>libonnxruntime</c> was found; the message lists every place searched and how to fix it.</summary>
public sealed class OnnxRuntimeNotFoundException(string message) : Exception(message);
