using System.Text.RegularExpressions;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests;

/// <summary>The entry points a new user and CI rely on: the README's commands, .ci/run, the scripts and the docs' links.</summary>
public sealed class RepositoryLayoutTests
{
    [Fact]
    public void Ci_runs_exactly_the_readme_test_command()
    {
        var readme = File.ReadAllText(RepoPaths.Combine("README.md"));
        Assert.Contains("\n./build/quickstart.sh", readme);
        Assert.Contains("\n./build/test.sh", readme);

        var commands = File.ReadAllLines(RepoPaths.Combine(".ci", "run"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && !line.StartsWith("set ", StringComparison.Ordinal) && !line.StartsWith("cd ", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(["exec ./build/test.sh"], commands);
    }

    [Theory]
    [InlineData("build/setup.sh")]
    [InlineData("build/test.sh")]
    [InlineData("build/quickstart.sh")]
    [InlineData(".ci/run")]
    public void Entry_scripts_are_executable_bash(string relative)
    {
        var path = RepoPaths.Combine(relative.Split('/'));
        Assert.StartsWith("#!/usr/bin/env bash\n", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{relative} is not executable");
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/index.md")]
    [InlineData("docs/getting-started.md")]
    public void Relative_links_point_at_existing_files(string relative)
    {
        var path = RepoPaths.Combine(relative.Split('/'));
        var folder = Path.GetDirectoryName(path)!;
        var links = Regex.Matches(File.ReadAllText(path), @"\]\((?!https?:|#)([^)#\s]+)").Select(m => m.Groups[1].Value).ToList();
        Assert.All(links, link => Assert.True(Path.Exists(Path.Combine(folder, link)), $"{relative} links to missing {link}"));
    }
}
