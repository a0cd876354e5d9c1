namespace AdmmNn.Tensors.Modules;

/// <summary>A model uses an operator (or operator form) the engine cannot run; the message names node, op type and opset.</summary>
public sealed class UnsupportedModelException(string message) : Exception(message);
