using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.MobileGpu;

/// <summary>
/// Parameters of the mobile GPU roofline (JSON fields are the camelCase property names). Defaults sketch an
/// Adreno 640-class phone GPU: ~400 GFLOP/s sustained fp32, ~25 GB/s LPDDR4X.
/// </summary>
public sealed class MobileGpuProfile
{
    /// <summary>Sustained dense throughput, GFLOP/s (one MAC = 2 FLOPs).</summary>
    public double PeakGflops { get; init; } = 400;

    /// <summary>Memory bandwidth, GB/s (10^9 bytes).</summary>
    public double BandwidthGBps { get; init; } = 25;

    /// <summary>Fraction of <see cref="PeakGflops"/> an unstructured sparse kernel (CSR) reaches.</summary>
    public double SparseEfficiency { get; init; } = 0.15;

    /// <summary>Fraction of peak a block-sparse kernel reaches.</summary>
    public double BlockSparseEfficiency { get; init; } = 0.5;

    /// <summary>Fraction of peak an n:m sparse kernel reaches.</summary>
    public double NOfMSparseEfficiency { get; init; } = 0.5;

    /// <summary>Fixed cost of one kernel launch, microseconds (the same for both forms).</summary>
    public double LaunchOverheadMicroseconds { get; init; } = 5;

    /// <summary>Bits per activation read and written (fp16 on mobile).</summary>
    public int ActivationBits { get; init; } = 16;

    /// <summary>Column-index bits per nonzero when the workload does not say (CSR uses 16- or 32-bit indices).</summary>
    public int DefaultIndexBits { get; init; } = 16;

    /// <summary>Weights per block for block sparsity (one index per block).</summary>
    public int BlockSize { get; init; } = 4;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        const string t = "mobile-gpu";
        ProfileJson.Positive(PeakGflops, t, "peakGflops");
        ProfileJson.Positive(BandwidthGBps, t, "bandwidthGBps");
        ProfileJson.Require(SparseEfficiency is > 0 and <= 1, t, "sparseEfficiency", $"must be in (0, 1], got {SparseEfficiency}");
        ProfileJson.Require(BlockSparseEfficiency is > 0 and <= 1, t, "blockSparseEfficiency", $"must be in (0, 1], got {BlockSparseEfficiency}");
        ProfileJson.Require(NOfMSparseEfficiency is > 0 and <= 1, t, "nOfMSparseEfficiency", $"must be in (0, 1], got {NOfMSparseEfficiency}");
        ProfileJson.NonNegative(LaunchOverheadMicroseconds, t, "launchOverheadMicroseconds");
        ProfileJson.Require(ActivationBits is > 0 and <= 64, t, "activationBits", $"must be in 1..64, got {ActivationBits}");
        ProfileJson.Require(DefaultIndexBits is > 0 and <= 64, t, "defaultIndexBits", $"must be in 1..64, got {DefaultIndexBits}");
        ProfileJson.Positive(BlockSize, t, "blockSize");
    }
}
