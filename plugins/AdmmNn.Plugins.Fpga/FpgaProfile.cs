using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Fpga;

/// <summary>
/// Parameters of the FPGA cost model (JSON fields are the camelCase property names). Defaults describe a
/// Zynq UltraScale+ ZU9EG-class board (ZCU102): 2,520 DSP slices, 912 × 36 Kb BRAM, DDR4 at 19.2 GB/s, 200 MHz.
/// </summary>
public sealed class FpgaProfile
{
    /// <summary>Processing elements; each completes one multiply-accumulate per cycle when its DSPs allow.</summary>
    public int PeCount { get; init; } = 256;

    /// <summary>DSP slices available to the PE array.</summary>
    public int DspCount { get; init; } = 2520;

    /// <summary>DSP slices one MAC needs for weights wider than 16 bits (float32).</summary>
    public double DspsPerMacFloat32 { get; init; } = 4;

    /// <summary>DSP slices one MAC needs for 9–16-bit weights.</summary>
    public double DspsPerMac16Bit { get; init; } = 1;

    /// <summary>DSP slices one MAC needs for 3–8-bit weights (two 8-bit MACs pack into one DSP48).</summary>
    public double DspsPerMac8Bit { get; init; } = 0.5;

    /// <summary>
    /// Additions per PE per cycle for ternary/binary weights (≤ 2 bits): multiplications become sign-selected
    /// additions in LUTs, so DSPs no longer limit the array.
    /// </summary>
    public int TernaryAddsPerPe { get; init; } = 2;

    /// <summary>On-chip block RAM for weights, in kilobits (1 kb = 1,024 bits). Weights that fit are loaded once.</summary>
    public double BramKilobits { get; init; } = 32832;

    /// <summary>Fabric clock in MHz.</summary>
    public double ClockMHz { get; init; } = 200;

    /// <summary>Off-chip (DDR) bandwidth in GB/s (10^9 bytes).</summary>
    public double BandwidthGBps { get; init; } = 19.2;

    /// <summary>Bits per activation moved to and from DDR.</summary>
    public int ActivationBits { get; init; } = 16;

    /// <summary>Relative-index bits per nonzero when the workload does not say (unstructured, n:m).</summary>
    public int DefaultIndexBits { get; init; } = 4;

    /// <summary>Weights per block for block (PE-wise) sparsity: one index and one decode per block.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>Extra cycles per nonzero to decode its index and fetch the matching activation.</summary>
    public double IndexDecodeCycles { get; init; } = 1.0;

    /// <summary>Busiest PE's work over the average for unstructured sparsity (PEs wait for the slowest).</summary>
    public double UnstructuredImbalance { get; init; } = 1.5;

    /// <summary>Load imbalance for PE-wise block sparsity (blocks are assigned whole to PEs).</summary>
    public double BlockImbalance { get; init; } = 1.0;

    /// <summary>Load imbalance for n:m sparsity (every group keeps the same count).</summary>
    public double NOfMImbalance { get; init; } = 1.0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        const string t = "fpga";
        ProfileJson.Positive(PeCount, t, "peCount");
        ProfileJson.Positive(DspCount, t, "dspCount");
        ProfileJson.Positive(DspsPerMacFloat32, t, "dspsPerMacFloat32");
        ProfileJson.Positive(DspsPerMac16Bit, t, "dspsPerMac16Bit");
        ProfileJson.Positive(DspsPerMac8Bit, t, "dspsPerMac8Bit");
        ProfileJson.Positive(TernaryAddsPerPe, t, "ternaryAddsPerPe");
        ProfileJson.NonNegative(BramKilobits, t, "bramKilobits");
        ProfileJson.Positive(ClockMHz, t, "clockMHz");
        ProfileJson.Positive(BandwidthGBps, t, "bandwidthGBps");
        ProfileJson.Require(ActivationBits is > 0 and <= 64, t, "activationBits", $"must be in 1..64, got {ActivationBits}");
        ProfileJson.Require(DefaultIndexBits is > 0 and <= 32, t, "defaultIndexBits", $"must be in 1..32, got {DefaultIndexBits}");
        ProfileJson.Positive(BlockSize, t, "blockSize");
        ProfileJson.NonNegative(IndexDecodeCycles, t, "indexDecodeCycles");
        ProfileJson.Require(UnstructuredImbalance >= 1, t, "unstructuredImbalance", $"must be >= 1, got {UnstructuredImbalance}");
        ProfileJson.Require(BlockImbalance >= 1, t, "blockImbalance", $"must be >= 1, got {BlockImbalance}");
        ProfileJson.Require(NOfMImbalance >= 1, t, "nOfMImbalance", $"must be >= 1, got {NOfMImbalance}");
    }
}
