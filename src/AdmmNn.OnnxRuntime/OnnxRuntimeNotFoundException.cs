namespace AdmmNn.OnnxRuntime;

/// <summary>ONNX Runtime's native library cannot be loaded here; the message says why and where it ships.</summary>
public sealed class OnnxRuntimeNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
