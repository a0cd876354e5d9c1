namespace AdmmNn.Tensors.Ops;

/// <summary>Per-op scratch buffers that grow as needed and are reused across calls (no per-batch allocation).</summary>
internal sealed class WorkspacePool
{
    private float[][] _col = [];
    private float[][] _tmp = [];
    private readonly float[][][] _partials = [[], []];

    /// <summary>One column buffer and one staging buffer per worker.</summary>
    public (float[][] Col, float[][] Tmp) Get(int workers, int colSize, int tmpSize)
    {
        _col = Ensure(_col, Math.Max(1, workers), colSize);
        _tmp = Ensure(_tmp, Math.Max(1, workers), tmpSize);
        return (_col, _tmp);
    }

    /// <summary>One partial-sum buffer per chunk (slot picks an independent set).</summary>
    public float[][] Partials(int chunks, int size, int slot)
    {
        _partials[slot] = Ensure(_partials[slot], chunks, size);
        return _partials[slot];
    }

    private static float[][] Ensure(float[][] buffers, int count, int size)
    {
        if (buffers.Length < count)
        {
            Array.Resize(ref buffers, count);
        }

        for (int i = 0; i < count; i++)
        {
            if (buffers[i] is null || buffers[i].Length < size)
            {
                buffers[i] = new float[size];
            }
        }

        return buffers;
    }
}
