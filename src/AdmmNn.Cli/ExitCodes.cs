namespace AdmmNn.Cli;

/// <summary>Process exit codes, the same for every verb.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Unexpected internal failure (a bug): shown with a stack trace.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: a file, field, layer or option the user can fix. One line on stderr.</summary>
    public const int UserError = 2;

    /// <summary>A gate failed (e.g. the accuracy drop exceeded the policy's limit).</summary>
    public const int GateFailed = 3;

    /// <summary>Cancelled (Ctrl+C); partial outputs were not written.</summary>
    public const int Cancelled = 130;
}
