namespace AdmmNn.Abstractions.Models;

/// <summary>The kind of value a <see cref="NodeAttribute"/> holds (as ONNX's AttributeType).</summary>
public enum AttributeKind
{
    /// <summary>One float.</summary>
    Float,
    /// <summary>One 64-bit integer.</summary>
    Int,
    /// <summary>One string.</summary>
    String,
    /// <summary>One tensor.</summary>
    Tensor,
    /// <summary>A list of floats.</summary>
    Floats,
    /// <summary>A list of integers.</summary>
    Ints,
    /// <summary>A list of strings.</summary>
    Strings,
}
