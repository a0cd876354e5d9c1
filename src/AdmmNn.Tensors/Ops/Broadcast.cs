namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Multidirectional (numpy) broadcasting of two operands: the output shape and, for each operand, its element
/// strides in output coordinates (0 along broadcast dimensions).
/// </summary>
internal sealed class Broadcast
{
    private Broadcast(int[] shape, int[] strideA, int[] strideB)
    {
        Shape = shape;
        StrideA = strideA;
        StrideB = strideB;
    }

    public int[] Shape { get; }

    public int[] StrideA { get; }

    public int[] StrideB { get; }

    /// <summary>Broadcasts <paramref name="a"/> with <paramref name="b"/>; null when they are incompatible.</summary>
    public static Broadcast? Of(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        var sa = new int[rank];
        var sb = new int[rank];
        int accA = 1, accB = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            int ia = i - (rank - a.Length), ib = i - (rank - b.Length);
            int da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
            if (da != db && da != 1 && db != 1)
            {
                return null;
            }

            shape[i] = da == 1 ? db : da;
            sa[i] = da == 1 ? 0 : accA;
            sb[i] = db == 1 ? 0 : accB;
            accA *= da;
            accB *= db;
        }

        return new Broadcast(shape, sa, sb);
    }

    /// <summary>
    /// Calls <paramref name="row"/>(offsetA, offsetB, offsetOut, length, innerStrideA, innerStrideB) for each run of the
    /// last dimension, in output order.
    /// </summary>
    public void ForEachRow(RowAction row)
    {
        int rank = Shape.Length;
        if (rank == 0)
        {
            row(0, 0, 0, 1, 0, 0);
            return;
        }

        int inner = Shape[rank - 1];
        int rows = Tensor.SizeOf(Shape) / Math.Max(1, inner);
        if (inner == 0)
        {
            return;
        }

        var index = new int[rank];
        int offA = 0, offB = 0;
        for (int r = 0; r < rows; r++)
        {
            row(offA, offB, r * inner, inner, StrideA[rank - 1], StrideB[rank - 1]);
            for (int d = rank - 2; d >= 0; d--)
            {
                index[d]++;
                offA += StrideA[d];
                offB += StrideB[d];
                if (index[d] < Shape[d])
                {
                    break;
                }

                offA -= StrideA[d] * Shape[d];
                offB -= StrideB[d] * Shape[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>One run along the last dimension.</summary>
    public delegate void RowAction(int offsetA, int offsetB, int offsetOut, int length, int strideA, int strideB);
}
