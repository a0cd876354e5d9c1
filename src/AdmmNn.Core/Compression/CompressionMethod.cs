namespace AdmmNn.Core.Compression;

/// <summary>How the constraints are reached.</summary>
public enum CompressionMethod
{
    /// <summary>ADMM: W-step with the proximal term, Z-step projection, U-step; then hard projection and masked retraining.</summary>
    Admm,

    /// <summary>Baseline (Han et al. 2015): iterative magnitude pruning + masked retraining under the same epoch budget;
    /// quantization by direct projection of the survivors.</summary>
    Magnitude,
}
