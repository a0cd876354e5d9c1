namespace AdmmNn.Core.Compression;

/// <summary>Residuals of one constrained layer at one ADMM iteration.</summary>
public sealed class LayerResidual
{
    /// <summary>Weight name.</summary>
    public string Name { get; set; } = "";

    /// <summary>‖W−Z‖/‖W‖.</summary>
    public double Primal { get; set; }

    /// <summary>ρ‖Z−Z_prev‖.</summary>
    public double Dual { get; set; }

    /// <summary>ρ used in this iteration.</summary>
    public double Rho { get; set; }
}
