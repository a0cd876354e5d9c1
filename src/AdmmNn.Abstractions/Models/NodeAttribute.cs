namespace AdmmNn.Abstractions.Models;

/// <summary>A node attribute; the member matching <see cref="Kind"/> holds the value.</summary>
public sealed class NodeAttribute
{
    /// <summary>Attribute name, as ONNX spells it (e.g. <c>kernel_shape</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Which member holds the value.</summary>
    public AttributeKind Kind { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Float"/>.</summary>
    public float Float { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Int"/>.</summary>
    public long Int { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.String"/>.</summary>
    public string? String { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Tensor"/>.</summary>
    public TensorData? Tensor { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Floats"/>.</summary>
    public float[]? Floats { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Ints"/>.</summary>
    public long[]? Ints { get; set; }

    /// <summary>Value when <see cref="Kind"/> is <see cref="AttributeKind.Strings"/>.</summary>
    public string[]? Strings { get; set; }

    /// <summary>An integer attribute.</summary>
    public static NodeAttribute Of(string name, long value) => new() { Name = name, Kind = AttributeKind.Int, Int = value };

    /// <summary>A float attribute.</summary>
    public static NodeAttribute Of(string name, float value) => new() { Name = name, Kind = AttributeKind.Float, Float = value };

    /// <summary>A string attribute.</summary>
    public static NodeAttribute Of(string name, string value) => new() { Name = name, Kind = AttributeKind.String, String = value };

    /// <summary>An integer-list attribute.</summary>
    public static NodeAttribute Of(string name, params long[] values) => new() { Name = name, Kind = AttributeKind.Ints, Ints = values };
}
