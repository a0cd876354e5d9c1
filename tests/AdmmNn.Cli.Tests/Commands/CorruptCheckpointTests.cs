using System.Security.Cryptography;
using System.Text;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

/// <summary>One real checkpoint, written by a short <c>admmnn compress --checkpoint-dir</c> run, shared by the cases.</summary>
public sealed class CheckpointFixture : IDisposable
{
    public CheckpointFixture()
    {
        var policy = Temp.WriteFile("policy.json", """
            {
              "seed": 5,
              "layers": [ { "match": "fc*.weight", "prune": { "keep": 0.1 }, "quantize": { "bits": 3 } } ],
              "schedule": {
                "batchSize": 32, "maxBatchesPerEpoch": 2, "admmInterval": 1, "monitorSamples": 50,
                "admmPrune": { "epochs": 1, "learningRate": 0.0005 }, "retrain": { "epochs": 0 },
                "admmQuantize": { "epochs": 1, "learningRate": 0.0002 }, "finetune": { "epochs": 0 }
              },
              "data": { "trainSamples": 200, "testSamples": 100 }
            }
            """);
        Policy = policy;
        var run = CliRun.Of("compress", LeNet, "--policy", policy, "--out", Temp.Combine("first", "c.onnx"), "--checkpoint-dir", Temp.Combine("ckpt"), "--threads", "1");
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Out + run.Error);
        Bytes = File.ReadAllBytes(Temp.Combine("ckpt", "compress.ckpt"));
    }

    public static string LeNet => RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx");

    public TempDirectory Temp { get; } = new("admmnn-ckpt");

    public string Policy { get; }

    /// <summary>The intact checkpoint file.</summary>
    public byte[] Bytes { get; }

    public void Dispose() => Temp.Dispose();
}

/// <summary>
/// <c>compress --resume</c> on a damaged checkpoint: one line naming the file, exit code 2, and the file untouched; for
/// each damage the issue lists (truncated, empty, garbage header, bad and negative array lengths, broken history JSON,
/// one flipped bit in the weights) and a checkpoint of another format version.
/// </summary>
[Collection(EngineThreadsCollection.Name)]
public sealed class CorruptCheckpointTests(CheckpointFixture fixture) : IClassFixture<CheckpointFixture>
{
    // Envelope: magic string (1 + 11 bytes), version (4), content length (8), SHA-256 (32), content.
    private const int VersionAt = 12, HashAt = 24, ContentAt = 56;

    [Fact]
    public void An_intact_checkpoint_resumes()
    {
        var run = Resume("intact", fixture.Bytes, out _);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    [Fact]
    public void Truncated() => AssertRejected("truncated", fixture.Bytes[..(fixture.Bytes.Length / 2)], "length");

    [Fact]
    public void Empty() => AssertRejected("empty", [], "empty");

    [Fact]
    public void Garbage_header()
    {
        var bytes = (byte[])fixture.Bytes.Clone();
        new Random(1).NextBytes(bytes.AsSpan(0, 20));
        AssertRejected("garbage", bytes, "not an AdmmNn checkpoint");
    }

    [Fact]
    public void Another_format_version()
    {
        var bytes = (byte[])fixture.Bytes.Clone();
        BitConverter.TryWriteBytes(bytes.AsSpan(VersionAt), 2);
        AssertRejected("version", bytes, "format version 2");
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(123_456_789)]
    [InlineData(-7)]
    public void Bad_array_length_with_a_matching_checksum(int length)
    {
        // Forged consistently (checksum recomputed), so the parser's own length checks are what rejects it.
        var bytes = (byte[])fixture.Bytes.Clone();
        BitConverter.TryWriteBytes(bytes.AsSpan(FirstParameterLengthAt(bytes)), length);
        Rehash(bytes);
        AssertRejected($"length{length}", bytes, "array length");
    }

    [Fact]
    public void Bad_array_length_caught_by_the_checksum()
    {
        var bytes = (byte[])fixture.Bytes.Clone();
        BitConverter.TryWriteBytes(bytes.AsSpan(FirstParameterLengthAt(bytes)), -1_000);
        AssertRejected("length-crc", bytes, "checksum");
    }

    [Fact]
    public void Broken_history_json()
    {
        var bytes = (byte[])fixture.Bytes.Clone();
        bytes[HistoryJsonAt(bytes)] = (byte)'#';
        AssertRejected("history-crc", (byte[])bytes.Clone(), "checksum");
        Rehash(bytes);
        AssertRejected("history", bytes, "(history)");
    }

    [Fact]
    public void One_flipped_bit_in_the_weights()
    {
        var bytes = (byte[])fixture.Bytes.Clone();
        bytes[FirstParameterLengthAt(bytes) + 4 + 37] ^= 0x10;
        AssertRejected("bitflip", bytes, "checksum");
    }

    private void AssertRejected(string name, byte[] bytes, string expected)
    {
        var run = Resume(name, bytes, out var path);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Out}{run.Error}");
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(path, lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    private CliRun Resume(string name, byte[] bytes, out string path)
    {
        var dir = fixture.Temp.Combine("case-" + name);
        Directory.CreateDirectory(dir);
        path = Path.Combine(dir, "compress.ckpt");
        File.WriteAllBytes(path, bytes);
        return CliRun.Of("compress", CheckpointFixture.LeNet, "--policy", fixture.Policy, "--out", Path.Combine(dir, "out", "c.onnx"),
            "--checkpoint-dir", dir, "--resume", "--threads", "1");
    }

    private static void Rehash(byte[] bytes) => SHA256.HashData(bytes.AsSpan(ContentAt)).CopyTo(bytes.AsSpan(HashAt));

    // The content starts: fingerprint, 3 x int32, 2 x bool, 4 x double, int32, arithmetic, history JSON, phases JSON,
    // parameter count, then (name, float count, floats) per parameter.
    private static BinaryReader ReaderAtHistory(byte[] bytes)
    {
        var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        r.BaseStream.Position = ContentAt;
        r.ReadString();
        r.BaseStream.Position += 3 * 4 + 2 + 4 * 8 + 4;
        r.ReadString();
        return r;
    }

    private static int HistoryJsonAt(byte[] bytes)
    {
        var r = ReaderAtHistory(bytes);
        var json = r.ReadString();
        return (int)(r.BaseStream.Position - Encoding.UTF8.GetByteCount(json));
    }

    private static int FirstParameterLengthAt(byte[] bytes)
    {
        var r = ReaderAtHistory(bytes);
        r.ReadString();
        r.ReadString();
        Assert.True(r.ReadInt32() > 0);
        r.ReadString();
        return (int)r.BaseStream.Position;
    }
}
