namespace AdmmNn.Core.Compression;

/// <summary>One parameter tensor in the result table. Storage figures come from the runtime's StorageAccounting.Plan.</summary>
public sealed class LayerReport
{
    /// <summary>Initializer name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Consuming op.</summary>
    public string OpType { get; set; } = "";

    /// <summary><c>Weight</c>, <c>Bias</c>, …</summary>
    public string Role { get; set; } = "";

    /// <summary>Shape.</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>Elements (dense).</summary>
    public long Parameters { get; set; }

    /// <summary>Nonzero elements.</summary>
    public long NonZeros { get; set; }

    /// <summary>Fraction of zeros.</summary>
    public double Sparsity { get; set; }

    /// <summary>Parameters / NonZeros.</summary>
    public double PruningRatio { get; set; }

    /// <summary>Bits per stored code (32 for float).</summary>
    public int Bits { get; set; }

    /// <summary>Bits per relative index (0 when stored dense).</summary>
    public int IndexWidth { get; set; }

    /// <summary>Filler entries inserted where a gap overflows the index width.</summary>
    public long FillerEntries { get; set; }

    /// <summary>Total code bits.</summary>
    public long CodeBits { get; set; }

    /// <summary>Total index bits.</summary>
    public long IndexBits { get; set; }

    /// <summary>Codebook or scale bits.</summary>
    public long CodebookBits { get; set; }

    /// <summary>All bits of this tensor.</summary>
    public long TotalBits { get; set; }

    /// <summary>Encoding chosen by the storage planner.</summary>
    public string Encoding { get; set; } = "";

    /// <summary>The constraint(s) applied, as described by the projections; empty when unconstrained.</summary>
    public string Constraint { get; set; } = "";

    /// <summary>Dense multiply-accumulates per sample (weights only; 0 for biases).</summary>
    public long MacsBefore { get; set; }

    /// <summary>Multiply-accumulates per sample with a nonzero weight.</summary>
    public long MacsAfter { get; set; }
}
