// Linked into the admmnn tool (through AdmmNn.Core) and into the MSBuild task (netstandard2.0), so both read one table.
namespace AdmmNn.Diagnostics;

/// <summary>Process exit codes of the admmnn tool, the same for every verb and read by the MSBuild task.</summary>
#if ADMMNN_SHARED_INTERNAL
internal
#else
public
#endif
static class ToolExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Unexpected internal failure (a bug): shown with a stack trace.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: a file, field, layer or option the user can fix. One diagnostic on stderr.</summary>
    public const int UserError = 2;

    /// <summary>A gate failed (e.g. the accuracy drop exceeded its limit); the outputs are written, for inspection.</summary>
    public const int GateFailed = 3;

    /// <summary>Cancelled (Ctrl+C); partial outputs were not written.</summary>
    public const int Cancelled = 130;
}
