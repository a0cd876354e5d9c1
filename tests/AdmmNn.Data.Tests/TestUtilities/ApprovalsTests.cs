using AdmmNn.TestUtilities;
using Xunit.Sdk;

namespace AdmmNn.Data.Tests.TestUtilities;

public sealed class ApprovalsTests
{
    [Fact]
    public void Matching_snapshot_passes_whatever_the_line_endings()
    {
        Approvals.Verify("first line\r\nsecond line\r\n\r\n");
    }

    [Fact]
    public void Mismatch_writes_received_file_and_names_first_difference()
    {
        var received = Path.Combine(RepoPaths.Combine("tests", "AdmmNn.Data.Tests", "TestUtilities"), "ApprovalsTests.Mismatch.received.txt");
        try
        {
            var ex = Assert.Throws<FailException>(() => Approvals.VerifyNamed("alpha\ngamma\n", "Mismatch"));
            Assert.Contains("first difference at line 2: expected «beta» but got «gamma»", ex.Message);
            Assert.Contains("mv ", ex.Message);
            Assert.Equal("alpha\ngamma\n", File.ReadAllText(received));
        }
        finally
        {
            File.Delete(received);
        }
    }

    [Fact]
    public void Repository_root_holds_the_solution()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "AdmmNn.sln")));
    }

    [Fact]
    public void Temp_directory_is_deleted_on_dispose()
    {
        string path;
        using (var temp = new TempDirectory())
        {
            path = temp.WriteFile("a/b.txt", "x");
            Assert.True(File.Exists(path));
        }

        Assert.False(File.Exists(path));
    }
}
