namespace AdmmNn.Tensors.Modules;

/// <summary>A model whose structure, shapes or attributes are inconsistent; the message names the node and the problem.</summary>
public sealed class InvalidModelException(string message) : Exception(message);
