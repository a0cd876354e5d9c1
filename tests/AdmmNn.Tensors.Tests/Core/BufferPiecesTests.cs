using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Tests.Core;

/// <summary>The pieces cover every buffer exactly once, start at multiples of the piece size, and the list is reusable.</summary>
public sealed class BufferPiecesTests
{
    [Fact]
    public void Pieces_tile_each_buffer_from_multiples_of_the_piece_size()
    {
        var pieces = new BufferPieces(16);
        int[] sizes = [40, 0, 16, 1, 33];
        for (int b = 0; b < sizes.Length; b++)
        {
            pieces.Add(b, sizes[b]);
        }

        Assert.Equal(3 + 0 + 1 + 1 + 3, pieces.Count);
        var covered = sizes.Select(s => new int[s]).ToArray();
        for (int i = 0; i < pieces.Count; i++)
        {
            var (buffer, start, length) = pieces[i];
            Assert.Equal(0, start % 16);
            Assert.InRange(length, 1, 16);
            for (int j = start; j < start + length; j++)
            {
                covered[buffer][j]++;
            }
        }

        Assert.All(covered, c => Assert.All(c, n => Assert.Equal(1, n)));
    }

    [Fact]
    public void Clear_empties_the_list_for_reuse()
    {
        var pieces = new BufferPieces(8);
        pieces.Add(0, 100);
        pieces.Clear();
        pieces.Add(3, 9);

        Assert.Equal(2, pieces.Count);
        Assert.Equal((3, 0, 8), pieces[0]);
        Assert.Equal((3, 8, 1), pieces[1]);
    }
}
