namespace AdmmNn.Abstractions.Models;

/// <summary>A graph input or output: its name, element type and shape.</summary>
/// <param name="Name">Value name.</param>
/// <param name="ElementType">Element type.</param>
/// <param name="Dims">Dimensions; a negative entry is a symbolic (unknown) dimension such as the batch size.</param>
/// <param name="SymbolicDims">Names of symbolic dimensions by position, where the source format had them (may be null).</param>
public sealed record ValueInfo(string Name, ElementType ElementType, long[] Dims, string?[]? SymbolicDims = null);
