namespace AdmmNn.OnnxRuntime;

/// <summary>
/// ONNX Runtime refused a model or a run, or a tensor cannot cross to it: the message starts with the model's file
/// (or "model bytes") and carries ONNX Runtime's own message on one line.
/// </summary>
public sealed class OnnxRuntimeException(string message, Exception? inner = null) : Exception(message, inner);
