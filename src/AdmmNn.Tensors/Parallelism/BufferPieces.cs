namespace AdmmNn.Tensors.Parallelism;

/// <summary>
/// Buffers cut into pieces of at most <see cref="PieceFloats"/>, so that one memory-bound pass over all of them (gradient
/// zeroing, the optimizer step) keeps every worker busy whatever the buffers' sizes. A piece starts at a multiple of
/// <see cref="PieceFloats"/> within its buffer, so vectorized per-element arithmetic sees each element in the same lane
/// as in one pass over the buffer: results do not depend on the thread count. The list is reused: once its capacity is
/// reached, <see cref="Clear"/> and <see cref="Add"/> allocate nothing.
/// </summary>
internal sealed class BufferPieces(int pieceFloats)
{
    private (int Buffer, int Start, int Length)[] _pieces = [];

    /// <summary>The most floats in one piece (a multiple of every vector width).</summary>
    public int PieceFloats { get; } = pieceFloats;

    /// <summary>Pieces in the list.</summary>
    public int Count { get; private set; }

    /// <summary>Piece <paramref name="index"/>: which buffer (the number given to <see cref="Add"/>), where it starts, how long it is.</summary>
    public (int Buffer, int Start, int Length) this[int index] => _pieces[index];

    /// <summary>Empties the list, keeping its capacity.</summary>
    public void Clear() => Count = 0;

    /// <summary>Appends the pieces of buffer <paramref name="buffer"/>, <paramref name="size"/> floats long.</summary>
    public void Add(int buffer, int size)
    {
        int needed = Count + (size + PieceFloats - 1) / PieceFloats;
        if (needed > _pieces.Length)
        {
            Array.Resize(ref _pieces, Math.Max(needed, 2 * _pieces.Length));
        }

        for (int start = 0; start < size; start += PieceFloats)
        {
            _pieces[Count++] = (buffer, start, Math.Min(PieceFloats, size - start));
        }
    }
}
