using System.Globalization;

namespace AdmmNn.Graph.Shapes;

/// <summary>
/// One dimension of a value's shape, or one element of a shape-valued integer tensor: a known size, a named symbol
/// (e.g. the batch size <c>N</c>), or unknown. Symbols survive ops that pass a dimension through unchanged, so a reshape
/// target built from <c>Shape</c> can still say "the same batch as the input".
/// </summary>
/// <param name="Value">The value when known (an element of a shape vector may be negative, e.g. -1 in a reshape target).</param>
/// <param name="Symbol">Null when known; the symbol's name when symbolic; empty when unknown.</param>
public readonly record struct Dim(long Value, string? Symbol)
{
    /// <summary>An unknown dimension.</summary>
    public static Dim Unknown => new(0, "");

    /// <summary>A known size.</summary>
    public static Dim Of(long value) => new(value, null);

    /// <summary>A named symbolic dimension.</summary>
    public static Dim Named(string symbol) => new(0, symbol.Length > 0 ? symbol : throw new ArgumentException("a symbol needs a name", nameof(symbol)));

    /// <summary>True when the size is known.</summary>
    public bool IsKnown => Symbol is null;

    /// <summary>True when the dimension is a named symbol.</summary>
    public bool IsSymbolic => !string.IsNullOrEmpty(Symbol);

    /// <summary>Product of two dimensions: known when both are, the symbol when multiplied by one, else unknown.</summary>
    public static Dim operator *(Dim a, Dim b) =>
        a.IsKnown && b.IsKnown ? Of(a.Value * b.Value)
        : a.IsKnown && a.Value == 1 ? b
        : b.IsKnown && b.Value == 1 ? a
        : Unknown;

    /// <inheritdoc />
    public override string ToString() => IsKnown ? Value.ToString(CultureInfo.InvariantCulture) : IsSymbolic ? Symbol! : "?";

    /// <summary>Shape text such as <c>[N,3,64,64]</c>.</summary>
    public static string Format(IEnumerable<Dim> dims) => $"[{string.Join(",", dims)}]";
}
