namespace AdmmNn.Core.Compression;

/// <summary>One phase of the run.</summary>
public sealed class PhaseReport
{
    /// <summary>Phase name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Batches trained.</summary>
    public int Batches { get; set; }

    /// <summary>Batches planned (fewer ran after an early stop).</summary>
    public int PlannedBatches { get; set; }

    /// <summary>True when the residuals fell under the tolerance before the planned end.</summary>
    public bool EarlyStopped { get; set; }

    /// <summary>Wall-clock seconds.</summary>
    public double Seconds { get; set; }

    /// <summary>Monitor accuracy at the end of the phase (after its hard projection, if any).</summary>
    public double Accuracy { get; set; }
}
