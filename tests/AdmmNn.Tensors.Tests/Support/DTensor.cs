namespace AdmmNn.Tensors.Tests.Support;

/// <summary>A double-precision reference tensor (row-major).</summary>
public sealed record DTensor(double[] V, int[] S)
{
    public static DTensor Zeros(params int[] shape) => new(new double[shape.Aggregate(1, (a, d) => a * d)], shape);

    public int Size => V.Length;

    public double this[params int[] index]
    {
        get => V[Offset(index)];
        set => V[Offset(index)] = value;
    }

    public int Offset(int[] index)
    {
        int o = 0;
        for (int i = 0; i < S.Length; i++)
        {
            o = o * S[i] + index[i];
        }

        return o;
    }

    public DTensor Copy() => new((double[])V.Clone(), (int[])S.Clone());

    public static DTensor From(Tensor t) => new(t.ToArray().Select(v => (double)v).ToArray(), (int[])t.Shape.Clone());

    public float[] ToFloats() => V.Select(v => (float)v).ToArray();
}
