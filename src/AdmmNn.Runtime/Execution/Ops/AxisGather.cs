namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// Output index k along axis d reads input index <c>maps[d][k]</c>, or a fill value where that is -1: Pad and Slice.
/// </summary>
internal static class AxisGather
{
    public static void Run(Value x, int[][] maps, Span<float> y, float fill)
    {
        int rank = maps.Length;
        if (rank == 0) { if (y.Length > 0) y[0] = x.Span[0]; return; }
        var offsets = new int[rank][];
        for (int d = rank - 1, stride = 1; d >= 0; stride *= x.Shape[d], d--)
        {
            int s = stride;
            offsets[d] = Array.ConvertAll(maps[d], i => i < 0 ? -1 : i * s);
        }
        int inner = maps[^1].Length;
        if (inner == 0) return;
        int rows = y.Length / inner;
        var src = x.Span;
        var last = offsets[^1];
        var index = new int[rank - 1];
        for (int r = 0; r < rows; r++)
        {
            int rowBase = 0;
            for (int d = 0; d < rank - 1 && rowBase >= 0; d++)
            {
                int o = offsets[d][index[d]];
                rowBase = o < 0 ? -1 : rowBase + o;
            }
            var row = y.Slice(r * inner, inner);
            for (int k = 0; k < inner; k++) row[k] = rowBase < 0 || last[k] < 0 ? fill : src[rowBase + last[k]];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++index[d] < maps[d].Length) break;
                index[d] = 0;
            }
        }
    }
}
