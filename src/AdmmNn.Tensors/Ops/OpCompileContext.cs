using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>What an op can know at compile time: value ids, constant tensors, the opset.</summary>
internal sealed class OpCompileContext(int opset, Func<string, int> valueId, Func<string, TensorData?> constant, Func<string, bool> isInitializer)
{
    /// <summary>Default-domain opset.</summary>
    public int Opset { get; } = opset;

    /// <summary>Id of a value name ("" → -1).</summary>
    public int ValueId(string name) => string.IsNullOrEmpty(name) ? -1 : valueId(name);

    /// <summary>The constant (initializer or Constant node output) with this name, or null.</summary>
    public TensorData? Constant(string name) => string.IsNullOrEmpty(name) ? null : constant(name);

    /// <summary>True when <paramref name="name"/> is a graph initializer (module-owned state).</summary>
    public bool IsInitializer(string name) => !string.IsNullOrEmpty(name) && isInitializer(name);
}
