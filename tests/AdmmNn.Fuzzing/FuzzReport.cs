namespace AdmmNn.Fuzzing;

/// <summary>Totals of a campaign.</summary>
public sealed class FuzzReport
{
    /// <summary>Inputs tried.</summary>
    public long Inputs { get; set; }

    /// <summary>Rejected by the reader with its documented exception.</summary>
    public long Rejected { get; set; }

    /// <summary>Loaded by the reader (and then ran, or were refused later with a documented exception).</summary>
    public long Loaded { get; set; }

    /// <summary>Inputs that loaded and went through every stage of the target (see <see cref="FuzzCampaign.ThoroughEvery"/>).</summary>
    public long Thorough { get; set; }

    /// <summary>Inputs that broke a rule.</summary>
    public List<FuzzFailure> Failures { get; } = [];

    /// <summary>Failure classes (exception type + first frame, or the bound exceeded) and how often each occurred.</summary>
    public Dictionary<string, int> FailureClasses { get; } = [];

    /// <summary>Most bytes one input allocated (load + run), and which input.</summary>
    public long MaxAllocatedBytes { get; set; }

    /// <summary>Index of the input that allocated most.</summary>
    public long MaxAllocatedIndex { get; set; }

    /// <summary>Longest wall-clock load + run (includes waiting for a loaded machine).</summary>
    public double MaxWallMilliseconds { get; set; }

    /// <summary>Most CPU time of one load + run, and which input.</summary>
    public double MaxMilliseconds { get; set; }

    /// <summary>Index of the slowest input.</summary>
    public long MaxMillisecondsIndex { get; set; }

    /// <summary>Inputs per seed name.</summary>
    public Dictionary<string, long> PerSeed { get; } = [];

    /// <summary>One-paragraph summary.</summary>
    public override string ToString() =>
        $"{Inputs} inputs ({string.Join(", ", PerSeed.Select(p => $"{p.Key}: {p.Value}"))}): {Rejected} rejected, {Loaded} loaded ({Thorough} of them through every stage), "
        + $"{Failures.Count} failures in {FailureClasses.Count} classes; max allocation {MaxAllocatedBytes / 1048576.0:F1} MiB (input {MaxAllocatedIndex}), "
        + $"slowest {MaxMilliseconds:F0} ms CPU (input {MaxMillisecondsIndex}), {MaxWallMilliseconds:F0} ms wall"
        + string.Concat(FailureClasses.Select(c => $"\n  {c.Value} x {c.Key}"));
}
