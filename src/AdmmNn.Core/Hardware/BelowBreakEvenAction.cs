namespace AdmmNn.Core.Hardware;

/// <summary>What to do with a layer whose requested pruning ratio is below its break-even ratio on the target.</summary>
public enum BelowBreakEvenAction
{
    /// <summary>Do not prune it: sparse would be slower than dense.</summary>
    KeepDense,

    /// <summary>Prune it harder: raise its ratio to break-even × margin.</summary>
    RaiseAboveBreakEven,
}
