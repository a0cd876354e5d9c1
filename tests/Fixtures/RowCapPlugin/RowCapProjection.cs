using AdmmNn.Abstractions.Constraints;

namespace RowCapPlugin;

/// <summary>The nearest tensor with at most k nonzeros per row: each row keeps its k largest magnitudes (lower index on ties).</summary>
public sealed class RowCapProjection(WeightLayout layout, int k) : IWeightProjection
{
    public WeightLayout Layout => layout;

    public string Describe() => $"row-cap, at most {k} of {layout.Columns} per row";

    public void Project(ReadOnlySpan<float> input, Span<float> output)
    {
        var columns = layout.Columns;
        var order = new int[columns];
        var row = new float[columns];
        for (var r = 0; r < layout.Rows; r++)
        {
            input.Slice(r * columns, columns).CopyTo(row);
            for (var i = 0; i < columns; i++) order[i] = i;
            Array.Sort(order, (a, b) => Math.Abs(row[b]).CompareTo(Math.Abs(row[a])) is var c and not 0 ? c : a.CompareTo(b));
            var target = output.Slice(r * columns, columns);
            target.Clear();
            for (var i = 0; i < Math.Min(k, columns); i++) target[order[i]] = row[order[i]];
        }
    }
}
