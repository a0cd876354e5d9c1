namespace AdmmNn.Data.Idx;

/// <summary>The contents of an IDX file of unsigned bytes: its dimensions and its data in row-major order.</summary>
/// <param name="Path">The file it was read from.</param>
/// <param name="Dimensions">The sizes from the header, outermost first.</param>
/// <param name="Data">Exactly the product of <paramref name="Dimensions"/> bytes.</param>
public sealed record IdxArray(string Path, int[] Dimensions, byte[] Data);
