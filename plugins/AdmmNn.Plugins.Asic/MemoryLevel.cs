namespace AdmmNn.Plugins.Asic;

/// <summary>One level of the memory hierarchy.</summary>
public sealed class MemoryLevel
{
    /// <summary>Name for reports, e.g. <c>sram-32KB</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Capacity in kilobytes (1 KB = 1,024 bytes); 0 means unbounded (DRAM).</summary>
    public double CapacityKilobytes { get; init; }

    /// <summary>Energy of one 64-bit access, picojoules.</summary>
    public double EnergyPer64BitPj { get; init; }

    /// <summary>Bits the level delivers per clock cycle.</summary>
    public double BitsPerCycle { get; init; }

    /// <summary>True when <paramref name="bits"/> fit in this level.</summary>
    public bool Holds(double bits) => CapacityKilobytes == 0 || bits <= CapacityKilobytes * 1024 * 8;
}
