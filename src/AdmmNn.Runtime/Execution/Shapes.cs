namespace AdmmNn.Runtime.Execution;

/// <summary>Shape arithmetic shared by the ops.</summary>
internal static class Shapes
{
    /// <summary>Element count; throws <see cref="ShapeException"/> past int range.</summary>
    public static int Size(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
            if (n > int.MaxValue) throw new ShapeException($"shape [{string.Join(",", shape)}] has too many elements");
        }
        return (int)n;
    }

    public static int Axis(int axis, int rank, string what)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1)) throw new ShapeException($"{what} {axis} is out of range for rank {rank}");
        return a;
    }

    public static string Format(int[] shape) => $"[{string.Join(",", shape)}]";

    /// <summary>Numpy-style broadcast of two shapes.</summary>
    public static int[] Broadcast(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1) throw new ShapeException($"shapes {Format(a)} and {Format(b)} do not broadcast");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Row-major strides of <paramref name="shape"/> aligned to <paramref name="outShape"/>, 0 where broadcast.</summary>
    public static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        int rank = outShape.Length;
        var strides = new int[rank];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            int o = i + rank - shape.Length;
            strides[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : stride;
            stride *= shape[i];
        }
        return strides;
    }
}
