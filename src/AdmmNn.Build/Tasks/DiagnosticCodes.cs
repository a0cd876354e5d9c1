namespace AdmmNn.Build.Tasks;

/// <summary>
/// The ADMMNN error and warning codes the build reports. Codes from the tool itself (ADMMNN011 policy, ADMMNN012 model …)
/// pass through unchanged; the table in docs/msbuild.md lists them all.
/// </summary>
internal static class DiagnosticCodes
{
    /// <summary>An AdmmNnModel item is invalid: model or policy file missing, bad metadata.</summary>
    public const string InvalidItem = "ADMMNN001";

    /// <summary>The admmnn tool could not be found or started.</summary>
    public const string ToolNotFound = "ADMMNN002";

    /// <summary>The tool rejected its input (exit code 2) without saying which kind.</summary>
    public const string BadInput = "ADMMNN010";

    /// <summary>The policy file is invalid (the tool names file, line and field).</summary>
    public const string Policy = "ADMMNN011";

    /// <summary>The model file is invalid or unsupported.</summary>
    public const string Model = "ADMMNN012";

    /// <summary>The data set could not be found or read.</summary>
    public const string Data = "ADMMNN013";

    /// <summary>Gate: the accuracy dropped by more than MaxAccuracyDrop.</summary>
    public const string AccuracyGate = "ADMMNN020";

    /// <summary>Gate: the packed model is larger than MaxModelBytes.</summary>
    public const string SizeGate = "ADMMNN021";

    /// <summary>A gate was set but the compression report lacks the figures it needs.</summary>
    public const string GateUnavailable = "ADMMNN022";

    /// <summary>Warning: a message the tool flagged as a warning.</summary>
    public const string ToolWarning = "ADMMNN030";

    /// <summary>Warning: the content-hash cache could not be read or written (the build goes on without it).</summary>
    public const string CacheUnavailable = "ADMMNN031";

    /// <summary>The tool failed unexpectedly (exit code 1 or an unknown code).</summary>
    public const string ToolFailed = "ADMMNN090";

    /// <summary>The tool reported success but did not write the expected file.</summary>
    public const string MissingOutput = "ADMMNN091";
}
