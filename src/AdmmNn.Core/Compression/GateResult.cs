namespace AdmmNn.Core.Compression;

/// <summary>One gate: its limit, the measured value and whether it held.</summary>
public sealed class GateResult
{
    /// <summary>Gate name (<c>maxAccuracyDrop</c>, <c>minStorageRatio</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The policy's limit.</summary>
    public double Limit { get; set; }

    /// <summary>The measured value.</summary>
    public double Actual { get; set; }

    /// <summary>True when the gate held.</summary>
    public bool Passed { get; set; }
}
