namespace AdmmNn.Tensors.Ops;

/// <summary>
/// An output whose every axis picks input positions independently: output index k along axis d reads input index
/// <c>maps[d][k]</c>, or the fill value where that is -1. Pad (constant, edge, reflect) and Slice are both this;
/// backward adds each output gradient into the input element it read.
/// </summary>
internal sealed class AxisGather
{
    private readonly int[][] _offsets;

    public AxisGather(int[] inputShape, int[][] maps)
    {
        int rank = inputShape.Length;
        OutputShape = maps.Select(m => m.Length).ToArray();
        _offsets = new int[rank][];
        for (int d = rank - 1, stride = 1; d >= 0; stride *= inputShape[d], d--)
        {
            int s = stride;
            _offsets[d] = maps[d].Select(i => i < 0 ? -1 : i * s).ToArray();
        }
    }

    /// <summary>Shape of the gathered output.</summary>
    public int[] OutputShape { get; }

    /// <summary>y = gather(x), <paramref name="fill"/> where nothing is read.</summary>
    public void Forward(float[] x, float[] y, float fill) =>
        Rows((row, rowBase) =>
        {
            var last = _offsets[^1];
            for (int k = 0; k < last.Length; k++)
            {
                y[row + k] = rowBase < 0 || last[k] < 0 ? fill : x[rowBase + last[k]];
            }
        });

    /// <summary>dx[read element] += dy.</summary>
    public void AddBackward(float[] dy, float[] dx) =>
        Rows((row, rowBase) =>
        {
            if (rowBase < 0)
            {
                return;
            }

            var last = _offsets[^1];
            for (int k = 0; k < last.Length; k++)
            {
                if (last[k] >= 0)
                {
                    dx[rowBase + last[k]] += dy[row + k];
                }
            }
        });

    /// <summary>Calls <paramref name="row"/>(output offset of the row, input offset of its outer index or -1) per last-axis row.</summary>
    private void Rows(Action<int, int> row)
    {
        int rank = OutputShape.Length;
        if (rank == 0)
        {
            return;
        }

        int inner = OutputShape[^1];
        int rows = 1;
        for (int d = 0; d < rank - 1; d++)
        {
            rows *= OutputShape[d];
        }

        if (inner == 0 || rows == 0)
        {
            return;
        }

        var index = new int[rank - 1];
        for (int r = 0; r < rows; r++)
        {
            int rowBase = 0;
            for (int d = 0; d < rank - 1 && rowBase >= 0; d++)
            {
                int o = _offsets[d][index[d]];
                rowBase = o < 0 ? -1 : rowBase + o;
            }

            row(r * inner, rowBase);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < OutputShape[d])
                {
                    break;
                }

                index[d] = 0;
            }
        }
    }
}
