namespace AdmmNn.Runtime;

/// <summary>Which kernels weight layers use.</summary>
public enum KernelChoice
{
    /// <summary>Sparse where a layer's density is below the break-even point, dense elsewhere.</summary>
    Auto,
    /// <summary>Dense kernels everywhere.</summary>
    Dense,
    /// <summary>Sparse kernels everywhere.</summary>
    Sparse,
}
