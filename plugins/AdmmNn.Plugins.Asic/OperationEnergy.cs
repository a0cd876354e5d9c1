namespace AdmmNn.Plugins.Asic;

/// <summary>Energy of one multiply and one add for weights up to <see cref="Bits"/> bits.</summary>
public sealed class OperationEnergy
{
    /// <summary>Widest weight (bits) this entry covers; a layer uses the narrowest entry with Bits ≥ its weight bits.</summary>
    public int Bits { get; init; }

    /// <summary>Energy of one multiplication, picojoules (0 when multiplications become sign selections, e.g. ternary).</summary>
    public double MultiplyPj { get; init; }

    /// <summary>Energy of one addition (the accumulate), picojoules.</summary>
    public double AddPj { get; init; }
}
