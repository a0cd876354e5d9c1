namespace AdmmNn.Build.Tasks;

/// <summary>What a line of the tool's output is.</summary>
internal enum ToolLineKind
{
    /// <summary>Progress or information: shown at normal verbosity.</summary>
    Message,

    /// <summary>A warning.</summary>
    Warning,

    /// <summary>An error: fails the build.</summary>
    Error,
}
