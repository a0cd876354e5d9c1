namespace AdmmNn.Core.Policy;

/// <summary>Conditions the compressed model must meet; a failed gate makes <c>admmnn compress</c> exit with code 3.</summary>
public sealed record PolicyGates
{
    /// <summary>Largest allowed test-accuracy drop versus the input model, as a fraction (0.01 = one percentage point); null = no gate.</summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>Smallest required storage ratio; null = no gate.</summary>
    public double? MinStorageRatio { get; init; }
}
