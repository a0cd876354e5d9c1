// Linked into the admmnn tool (through AdmmNn.Core) and into the MSBuild task (netstandard2.0): one table of codes.
// The table in docs/msbuild.md lists them all.
namespace AdmmNn.Diagnostics;

/// <summary>The ADMMNN error and warning codes: raised by the tool where a problem arises, or by the MSBuild task.</summary>
#if ADMMNN_SHARED_INTERNAL
internal
#else
public
#endif
static class DiagnosticCodes
{
    /// <summary>An AdmmNnModel item is invalid: model or policy file missing, bad metadata (the task).</summary>
    public const string InvalidItem = "ADMMNN001";

    /// <summary>The admmnn tool could not be found or started (the task).</summary>
    public const string ToolNotFound = "ADMMNN002";

    /// <summary>Bad input not covered by a more specific code (a command-line option, a missing file).</summary>
    public const string BadInput = "ADMMNN010";

    /// <summary>The policy file is invalid (file, line and field given).</summary>
    public const string Policy = "ADMMNN011";

    /// <summary>The model file is invalid or unsupported.</summary>
    public const string Model = "ADMMNN012";

    /// <summary>The data set could not be found or read.</summary>
    public const string Data = "ADMMNN013";

    /// <summary>A plugin, hardware target or target profile could not be used.</summary>
    public const string Plugin = "ADMMNN014";

    /// <summary>Gate: the accuracy dropped by more than allowed.</summary>
    public const string AccuracyGate = "ADMMNN020";

    /// <summary>Gate: the packed model is larger than allowed.</summary>
    public const string SizeGate = "ADMMNN021";

    /// <summary>Gate: the storage ratio is below the policy's minimum.</summary>
    public const string StorageGate = "ADMMNN022";

    /// <summary>Warning from the tool (e.g. a plugin that was not loaded, a resume on other engine settings).</summary>
    public const string ToolWarning = "ADMMNN030";

    /// <summary>Warning: the content-hash cache could not be read or written (the build goes on without it).</summary>
    public const string CacheUnavailable = "ADMMNN031";

    /// <summary>The tool failed unexpectedly (exit code 1 or an unknown code).</summary>
    public const string ToolFailed = "ADMMNN090";

    /// <summary>The tool reported success but did not write the expected file.</summary>
    public const string MissingOutput = "ADMMNN091";

    /// <summary>Environment variable the MSBuild task sets: the tool then writes diagnostics as JSON lines.</summary>
    public const string MSBuildVariable = "ADMMNN_MSBUILD";

    /// <summary>Prefix of a diagnostic line under MSBuild; a JSON object with severity, code, file, line, column, message follows.</summary>
    public const string LinePrefix = "admmnn-diagnostic: ";
}
