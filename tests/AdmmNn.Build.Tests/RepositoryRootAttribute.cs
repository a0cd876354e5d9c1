namespace AdmmNn.Build.Tests;

/// <summary>The repository root and build configuration, stamped in at build time so tests find build/pack.sh and
/// samples/ without guessing, and pack with the configuration already built.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class RepositoryRootAttribute(string path, string configuration) : Attribute
{
    /// <summary>Absolute path of the repository root.</summary>
    public string Path { get; } = path;

    /// <summary>Configuration this test assembly was built in (Debug or Release).</summary>
    public string Configuration { get; } = configuration;

    /// <summary>The stamped configuration.</summary>
    public static string BuildConfiguration =>
        typeof(RepositoryRootAttribute).Assembly.GetCustomAttributes(typeof(RepositoryRootAttribute), false).Cast<RepositoryRootAttribute>().Single().Configuration;

    /// <summary>The value stamped into this test assembly.</summary>
    public static string Value =>
        typeof(RepositoryRootAttribute).Assembly.GetCustomAttributes(typeof(RepositoryRootAttribute), false).Cast<RepositoryRootAttribute>().Single().Path;
}
