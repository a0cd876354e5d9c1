namespace AdmmNn.Runtime;

/// <summary>
/// A packed model (<c>.admmnn</c>) is malformed, truncated, corrupt or uses something this runtime cannot run.
/// The one exception the loader lets escape for bad input; the message names the byte offset and the field.
/// </summary>
public sealed class InvalidModelException : Exception
{
    /// <summary>Creates the exception for a problem at <paramref name="offset"/> in field <paramref name="field"/>.</summary>
    public InvalidModelException(long offset, string field, string problem)
        : base($"invalid packed model at byte {offset} ({field}): {problem}")
    {
        Offset = offset;
        Field = field;
    }

    /// <summary>Byte offset in the file where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The field (or node) at fault.</summary>
    public string Field { get; }
}
