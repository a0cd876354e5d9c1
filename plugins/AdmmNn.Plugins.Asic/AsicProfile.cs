using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Asic;

/// <summary>
/// Parameters of the ASIC cost model (JSON fields are the camelCase property names). Energy defaults are the 45 nm,
/// 0.9 V figures of M. Horowitz, "Computing's energy problem (and what we can do about it)", ISSCC 2014:
/// fp32 mult 3.7 pJ / add 0.9 pJ, fp16 mult 1.1 / add 0.4, int8 mult 0.2 / add 0.03; 64-bit cache reads of 10 pJ (8 KB),
/// 20 pJ (32 KB), 100 pJ (1 MB) and 1.3–2.6 nJ from DRAM (1.95 nJ used). The SRAM area per bit (0.6 µm², cell plus
/// periphery at 45 nm) is an assumption, not a Horowitz figure.
/// </summary>
public sealed class AsicProfile
{
    /// <summary>MAC units working in parallel.</summary>
    public int MacUnits { get; init; } = 256;

    /// <summary>Clock in MHz.</summary>
    public double ClockMHz { get; init; } = 800;

    /// <summary>Per-operation energy by weight width; must include an entry ≥ every width used (32 covers float).</summary>
    public List<OperationEnergy> OperationEnergy { get; init; } =
    [
        new() { Bits = 2, MultiplyPj = 0, AddPj = 0.03 },
        new() { Bits = 8, MultiplyPj = 0.2, AddPj = 0.03 },
        new() { Bits = 16, MultiplyPj = 1.1, AddPj = 0.4 },
        new() { Bits = 32, MultiplyPj = 3.7, AddPj = 0.9 },
    ];

    /// <summary>Memory levels, smallest first; a tensor lives in the first level that holds it. The last must be unbounded.</summary>
    public List<MemoryLevel> MemoryLevels { get; init; } =
    [
        new() { Name = "sram-8KB", CapacityKilobytes = 8, EnergyPer64BitPj = 10, BitsPerCycle = 512 },
        new() { Name = "sram-32KB", CapacityKilobytes = 32, EnergyPer64BitPj = 20, BitsPerCycle = 512 },
        new() { Name = "sram-1MB", CapacityKilobytes = 1024, EnergyPer64BitPj = 100, BitsPerCycle = 256 },
        new() { Name = "dram", CapacityKilobytes = 0, EnergyPer64BitPj = 1950, BitsPerCycle = 128 },
    ];

    /// <summary>Bits per activation read and written.</summary>
    public int ActivationBits { get; init; } = 16;

    /// <summary>Relative-index bits per nonzero when the workload does not say.</summary>
    public int DefaultIndexBits { get; init; } = 4;

    /// <summary>Weights per block for block sparsity (one index per block).</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>Energy to decode one index (an 8-bit add), picojoules.</summary>
    public double IndexDecodePj { get; init; } = 0.03;

    /// <summary>Extra cycles per nonzero for index decoding in the sparse datapath.</summary>
    public double IndexDecodeCycles { get; init; } = 0.2;

    /// <summary>Busiest MAC unit's work over the average for unstructured sparsity.</summary>
    public double UnstructuredImbalance { get; init; } = 1.2;

    /// <summary>Load imbalance for block sparsity.</summary>
    public double BlockImbalance { get; init; } = 1.0;

    /// <summary>SRAM area per stored bit, µm² (cell and periphery).</summary>
    public double SramAreaUm2PerBit { get; init; } = 0.6;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        const string t = "asic";
        ProfileJson.Positive(MacUnits, t, "macUnits");
        ProfileJson.Positive(ClockMHz, t, "clockMHz");
        ProfileJson.Require(OperationEnergy is { Count: > 0 }, t, "operationEnergy", "must list at least one entry");
        for (var i = 0; i < OperationEnergy.Count; i++)
        {
            var e = OperationEnergy[i];
            ProfileJson.Require(e is not null, t, $"operationEnergy[{i}]", "must be an object");
            ProfileJson.Require(e!.Bits is > 0 and <= 64, t, $"operationEnergy[{i}].bits", $"must be in 1..64, got {e.Bits}");
            ProfileJson.NonNegative(e.MultiplyPj, t, $"operationEnergy[{i}].multiplyPj");
            ProfileJson.NonNegative(e.AddPj, t, $"operationEnergy[{i}].addPj");
        }
        ProfileJson.Require(OperationEnergy.Max(e => e.Bits) >= 32, t, "operationEnergy", "needs an entry with bits >= 32 (float weights)");
        ProfileJson.Require(MemoryLevels is { Count: > 0 }, t, "memoryLevels", "must list at least one level");
        for (var i = 0; i < MemoryLevels.Count; i++)
        {
            var m = MemoryLevels[i];
            ProfileJson.Require(m is not null, t, $"memoryLevels[{i}]", "must be an object");
            ProfileJson.NonNegative(m!.CapacityKilobytes, t, $"memoryLevels[{i}].capacityKilobytes");
            ProfileJson.NonNegative(m.EnergyPer64BitPj, t, $"memoryLevels[{i}].energyPer64BitPj");
            ProfileJson.Positive(m.BitsPerCycle, t, $"memoryLevels[{i}].bitsPerCycle");
            if (i > 0)
                ProfileJson.Require(MemoryLevels[i - 1].CapacityKilobytes != 0 && (m.CapacityKilobytes == 0 || m.CapacityKilobytes > MemoryLevels[i - 1].CapacityKilobytes),
                    t, $"memoryLevels[{i}].capacityKilobytes", "levels must be ordered smallest first, only the last unbounded (0)");
        }
        ProfileJson.Require(MemoryLevels[^1].CapacityKilobytes == 0, t, $"memoryLevels[{MemoryLevels.Count - 1}].capacityKilobytes", "the last level must be unbounded (0)");
        ProfileJson.Require(ActivationBits is > 0 and <= 64, t, "activationBits", $"must be in 1..64, got {ActivationBits}");
        ProfileJson.Require(DefaultIndexBits is > 0 and <= 32, t, "defaultIndexBits", $"must be in 1..32, got {DefaultIndexBits}");
        ProfileJson.Positive(BlockSize, t, "blockSize");
        ProfileJson.NonNegative(IndexDecodePj, t, "indexDecodePj");
        ProfileJson.NonNegative(IndexDecodeCycles, t, "indexDecodeCycles");
        ProfileJson.Require(UnstructuredImbalance >= 1, t, "unstructuredImbalance", $"must be >= 1, got {UnstructuredImbalance}");
        ProfileJson.Require(BlockImbalance >= 1, t, "blockImbalance", $"must be >= 1, got {BlockImbalance}");
        ProfileJson.NonNegative(SramAreaUm2PerBit, t, "sramAreaUm2PerBit");
    }
}
