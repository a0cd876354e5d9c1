namespace AdmmNn.Tensors.Modules;

/// <summary>A trainable initializer of a <see cref="GraphModule"/>: its value (updated in place) and gradient.</summary>
public sealed class Parameter
{
    internal Parameter(string name, Tensor value, ParameterRole role, string opType, string nodeName)
    {
        Name = name;
        Value = value;
        Grad = new Tensor((int[])value.Shape.Clone());
        Role = role;
        OpType = opType;
        NodeName = nodeName;
    }

    /// <summary>Initializer name in the graph.</summary>
    public string Name { get; }

    /// <summary>Current value; optimizers and hooks modify it in place.</summary>
    public Tensor Value { get; }

    /// <summary>Gradient accumulated by backward passes (zeroed by the trainer each batch).</summary>
    public Tensor Grad { get; }

    /// <summary>Role of the tensor in its consuming op.</summary>
    public ParameterRole Role { get; }

    /// <summary>Op type of the (first) consuming node.</summary>
    public string OpType { get; }

    /// <summary>Name of the (first) consuming node.</summary>
    public string NodeName { get; }

    /// <summary>Dimensions of the value.</summary>
    public int[] Shape => Value.Shape;

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Value.ShapeText} ({Role} of {OpType} '{NodeName}')";
}
