using System.IO.Compression;
using System.Text.RegularExpressions;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

public sealed class DataCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-cli-data");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Info_on_fashion_mnist_prints_counts_shape_and_balanced_histogram()
    {
        var run = CliRun.Of("data", "info", "fashion-mnist");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Contains("\nTrain:   60,000 images  ", run.Out);
        Assert.Contains("\nTest:    10,000 images  ", run.Out);
        Assert.Contains("\nShape:   1 x 28 x 28 (channels x height x width)\n", run.Out);
        Assert.Contains("\nClasses: 10\n", run.Out);
        var rows = Regex.Matches(run.Out, @"^\s+(\d)  (\S.*?)\s+6,000\s+1,000$", RegexOptions.Multiline);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString()), rows.Select(m => m.Groups[1].Value));
        Assert.Equal("Ankle boot", rows[9].Groups[2].Value);
        Assert.Matches(@"\n\s+total\s+60,000\s+10,000\n", run.Out);
        // Fashion-MNIST's well-known statistics: mean 0.2860, std 0.3530.
        Assert.Contains("policy data section: \"mean\": [0.2860], \"std\": [0.3530]", run.Out);
    }

    [Fact]
    public void Info_on_a_folder_matches_snapshot()
    {
        var folder = WriteTinyDataset("tiny");

        var run = CliRun.Of("data", "info", folder);

        Assert.Equal(0, run.ExitCode);
        Approvals.Verify(run.Out.Replace(folder, "<folder>"));
    }

    [Fact]
    public void Data_option_is_searched_for_named_sets()
    {
        var root = _temp.Combine("data");
        WriteTinyDataset(Path.Combine("data", "mnist"));

        var run = CliRun.Of("data", "info", "mnist", "--data", root);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Train:   12 images  " + Path.Combine(root, "mnist", "train-images-idx3-ubyte.gz"), run.Out);
    }

    [Fact]
    public void Interactive_console_renders_a_table()
    {
        var folder = WriteTinyDataset("tiny");

        var run = CliRun.Of(["data", "info", folder], interactive: true);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("│", run.Out);
        Assert.Matches(@"│\s+total\s+│\s+12\s+│\s+6\s+│", run.Out);
    }

    [Fact]
    public void Missing_folder_exits_2_with_one_line_on_stderr()
    {
        var folder = _temp.Combine("absent");

        var run = CliRun.Of("data", "info", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Equal($"error: folder '{folder}' does not exist\n", run.Error);
    }

    [Fact]
    public void Missing_labels_file_exits_2_naming_it()
    {
        var folder = WriteTinyDataset("half");
        File.Delete(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"));

        var run = CliRun.Of("data", "info", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {Path.Combine(folder, "t10k-images-idx3-ubyte.gz")}: has no matching labels file: t10k-labels-idx1-ubyte[.gz] is missing from {folder}\n", run.Error);
    }

    [Fact]
    public void Corrupt_file_exits_2_without_stack_trace()
    {
        var folder = WriteTinyDataset("corrupt");
        var path = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var run = CliRun.Of("data", "info", folder);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {path}: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(" at ", run.Error);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        var folder = WriteTinyDataset("corrupt");
        File.WriteAllText(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), "not an idx file");

        var run = CliRun.Of("data", "info", folder, "--verbose");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("wrong magic number", run.Error);
        Assert.Contains(" at AdmmNn.Data.", run.Error);
    }

    [Fact]
    public void Unknown_dataset_name_exits_2()
    {
        var run = CliRun.Of("data", "info", "imagenet");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: unknown data set 'imagenet': use fashion-mnist or mnist, or a folder holding IDX files\n", run.Error);
    }

    /// <summary>12 train and 6 test images of 4x3 with labels i % 3, gzipped.</summary>
    private string WriteTinyDataset(string relative)
    {
        var folder = _temp.Combine(relative);
        Directory.CreateDirectory(folder);
        Write(folder, "train-images-idx3-ubyte.gz", Idx([12, 4, 3], new byte[12 * 12]));
        Write(folder, "train-labels-idx1-ubyte.gz", Idx([12], Enumerable.Range(0, 12).Select(i => (byte)(i % 3)).ToArray()));
        Write(folder, "t10k-images-idx3-ubyte.gz", Idx([6, 4, 3], new byte[6 * 12]));
        Write(folder, "t10k-labels-idx1-ubyte.gz", Idx([6], Enumerable.Range(0, 6).Select(i => (byte)(i % 3)).ToArray()));
        return folder;
    }

    private static byte[] Idx(int[] dims, byte[] data)
    {
        var header = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (var d in dims) header.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        return [.. header, .. data];
    }

    private static void Write(string folder, string name, byte[] raw)
    {
        using var file = File.Create(Path.Combine(folder, name));
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(raw);
    }
}
