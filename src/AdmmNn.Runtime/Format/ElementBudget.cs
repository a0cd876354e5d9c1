namespace AdmmNn.Runtime.Format;

/// <summary>How many tensor elements a file may still declare (see <see cref="PackedFormat.MaxElementsPerFileByte"/>).</summary>
internal sealed class ElementBudget(long limit)
{
    private long _left = limit;

    public long Limit { get; } = limit;

    public void Take(long count, SectionReader at, string field, string tensor)
    {
        if (count > _left)
            throw at.Error(field, $"{tensor}: the file's tensors declare more than {Limit} elements, more than a file of this size can justify");
        _left -= count;
    }
}
