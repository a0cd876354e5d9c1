namespace AdmmNn.Graph.Shapes;

/// <summary>ONNX Slice index arithmetic on one axis (clamping as the spec says). Pure.</summary>
internal static class SliceRange
{
    /// <summary>Effective start and element count of slicing a dimension of <paramref name="size"/>.</summary>
    public static (long Start, long Count) Resolve(long size, long start, long end, long step)
    {
        if (step == 0) throw new GraphException("Slice step must not be 0");
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            return (start, end > start ? (end - start + step - 1) / step : 0);
        }
        start = Math.Clamp(start, 0, size - 1);
        end = Math.Clamp(end, -1, size - 1);
        return (start, start > end ? (start - end + (-step) - 1) / -step : 0);
    }

    /// <summary>Element count of the slice.</summary>
    public static long Count(long size, long start, long end, long step) => Resolve(size, start, end, step).Count;
}
