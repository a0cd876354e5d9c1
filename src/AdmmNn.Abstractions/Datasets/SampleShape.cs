namespace AdmmNn.Abstractions.Datasets;

/// <summary>The stored size of an image sample.</summary>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Channels">Channels (1 grey, 3 RGB).</param>
public readonly record struct SampleShape(int Height, int Width, int Channels)
{
    /// <summary>Height × width × channels.</summary>
    public int Size => Height * Width * Channels;

    /// <inheritdoc/>
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
