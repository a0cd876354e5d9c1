namespace AdmmNn.Runtime.Execution;

/// <summary>A float tensor during one run: data (possibly a longer pooled array) and its shape.</summary>
internal sealed class Value(float[] data, int[] shape)
{
    public float[] Data { get; } = data;
    public int[] Shape { get; } = shape;
    public int Length { get; } = Shapes.Size(shape);
    public Span<float> Span => Data.AsSpan(0, Length);
}
