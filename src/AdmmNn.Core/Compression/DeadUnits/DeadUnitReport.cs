namespace AdmmNn.Core.Compression.DeadUnits;

/// <summary>What one <see cref="DeadUnitRemoval.Apply"/> zeroed.</summary>
internal sealed class DeadUnitReport
{
    private readonly Dictionary<string, List<int>> _zeroed = new(StringComparer.Ordinal);

    /// <summary>Units whose readers were all zero (their producer entries went).</summary>
    public int UnusedUnits { get; set; }

    /// <summary>Units that carried a constant zero (their reader entries went).</summary>
    public int ZeroUnits { get; set; }

    /// <summary>Bias entries set to zero.</summary>
    public int BiasesZeroed { get; set; }

    /// <summary>Weight entries set to zero, in all tensors.</summary>
    public int WeightsZeroed => _zeroed.Values.Sum(l => l.Count);

    /// <summary>Per weight tensor: the flat indices set to zero.</summary>
    public IReadOnlyDictionary<string, List<int>> Zeroed => _zeroed;

    internal void Add(string tensor, int index)
    {
        if (!_zeroed.TryGetValue(tensor, out var list)) _zeroed[tensor] = list = [];
        list.Add(index);
    }
}
