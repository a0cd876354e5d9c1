namespace AdmmNn.Fuzzing.Targets;

/// <summary>What one input did: rejected with the reader's documented exception, loaded (and ran), or a defect.</summary>
public enum FuzzVerdict
{
    /// <summary>The documented bad-model exception.</summary>
    Rejected,

    /// <summary>Loaded and ran once on a zero input.</summary>
    Ran,

    /// <summary>Any other exception: a bug.</summary>
    Defect,
}

/// <summary>The verdict with the exception behind it (null when it ran).</summary>
public sealed record FuzzOutcome(FuzzVerdict Verdict, Exception? Exception, string Stage)
{
    /// <summary>Type, first stack frame and message on one line: groups defects into classes.</summary>
    public string Describe()
    {
        if (Exception is null) return Verdict.ToString();
        var frame = Exception.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return $"{Stage}: {Exception.GetType().Name} {frame} | {Exception.Message.ReplaceLineEndings(" ")}";
    }
}
