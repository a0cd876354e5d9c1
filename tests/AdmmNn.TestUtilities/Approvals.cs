using System.Runtime.CompilerServices;
using Xunit;

namespace AdmmNn.TestUtilities;

/// <summary>
/// Snapshot ("approval") testing: compares text with <c>&lt;TestClass&gt;.&lt;Method&gt;.verified.txt</c> beside the test's
/// source file. On a mismatch or a missing snapshot it writes <c>.received.txt</c> next to it and fails with the first
/// differing line and the commands to review and accept. Line endings are normalized to \n, trailing spaces on lines dropped and trailing newlines cut to one.
/// Set <c>ADMMNN_ACCEPT_APPROVALS=1</c> to write the received text as the new verified snapshot instead of failing.
/// The test class is taken to be the source file's name (one public type per file).
/// </summary>
public static class Approvals
{
    /// <summary>The environment variable that, set to 1, accepts every received snapshot.</summary>
    public const string AcceptVariable = "ADMMNN_ACCEPT_APPROVALS";

    /// <summary>Checks <paramref name="actual"/> against the calling test's verified snapshot.</summary>
    public static void Verify(string actual, [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "") =>
        VerifyCore(actual, sourceFile, method);

    /// <summary>
    /// As <see cref="Verify"/> with a name of one's own (<c>&lt;TestClass&gt;.&lt;name&gt;.verified.txt</c>), for tests
    /// that check several snapshots or theories that check one per case.
    /// </summary>
    public static void VerifyNamed(string actual, string name, [CallerFilePath] string sourceFile = "") =>
        VerifyCore(actual, sourceFile, name);

    /// <summary>Line endings to \n, no trailing spaces on lines (editors strip them), trailing newlines to exactly one.</summary>
    public static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd(' ', '\t'))).TrimEnd('\n') + "\n";

    private static void VerifyCore(string actual, string sourceFile, string name)
    {
        var folder = SourceFolder(sourceFile);
        var stem = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(sourceFile)}.{name}");
        var verifiedPath = stem + ".verified.txt";
        var receivedPath = stem + ".received.txt";
        var received = Normalize(actual);

        if (File.Exists(verifiedPath) && Normalize(File.ReadAllText(verifiedPath)) == received)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verifiedPath, received);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        var review = File.Exists(verifiedPath)
            ? $"{Describe(Normalize(File.ReadAllText(verifiedPath)), received)} Review: diff -u {verifiedPath} {receivedPath}"
            : $"no snapshot yet. Review {receivedPath}";
        Assert.Fail($"Approval of {Path.GetFileName(verifiedPath)} failed: {review} ; accept: mv {receivedPath} {verifiedPath} (or rerun with {AcceptVariable}=1).");
    }

    private static string Describe(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al) return $"first difference at line {i + 1}: expected «{el}» but got «{al}».";
        }

        return "the texts differ.";
    }

    private static string SourceFolder(string sourceFile)
    {
        var folder = Path.GetDirectoryName(sourceFile);
        if (!string.IsNullOrEmpty(folder) && Directory.Exists(folder)) return folder;

        // The compile-time path was mapped (e.g. deterministic CI builds): find the file under tests/ by name.
        var name = Path.GetFileName(sourceFile.Replace('\\', '/'));
        var match = Directory.EnumerateFiles(RepoPaths.Combine("tests"), name, SearchOption.AllDirectories).FirstOrDefault()
                    ?? throw new InvalidOperationException($"cannot find the test source file {sourceFile} to put its snapshot beside");
        return Path.GetDirectoryName(match)!;
    }
}
