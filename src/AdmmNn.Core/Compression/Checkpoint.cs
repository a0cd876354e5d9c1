using System.Security.Cryptography;
using AdmmNn.Shared;
using System.Text;
using System.Text.Json;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Everything needed to continue a run exactly: position (phase, batch, iteration), every parameter, the ADMM
/// variables, masks, frozen values, ρ, the optimizer's state and the history so far. The data order is a pure
/// function of (seed, phase, epoch), so the position is the whole random state. Written to a temporary file and
/// renamed, so a kill never leaves a torn checkpoint.
/// Layout (version 3): the magic string, the format version (int32), the content length (int64), the SHA-256 of the
/// content, then the content. Loading checks all four before parsing a byte of content, and parses the content with
/// every length checked against the bytes left, so a truncated, corrupt or foreign file is an
/// <see cref="InvalidCheckpointException"/> naming it, and the file is never modified.
/// </summary>
internal sealed class Checkpoint
{
    private const string Magic = "ADMMNN-CKPT";
    private const int Version = 3;
    private const int HashBytes = 32;

    /// <summary>File name inside the checkpoint directory.</summary>
    public const string FileName = "compress.ckpt";

    public string Fingerprint { get; set; } = "";
    public int PhaseIndex { get; set; }
    public int BatchInPhase { get; set; }
    public int PhaseIteration { get; set; }
    public bool PhaseStarted { get; set; }
    public bool EarlyStopped { get; set; }
    public double BaselineAccuracy { get; set; }
    public double BaselineLoss { get; set; }
    public double ElapsedSeconds { get; set; }
    public double PhaseSeconds { get; set; }
    public int DropoutSeed { get; set; }

    /// <summary>What decides the floating-point summation order (GEMM backend and kernel, thread counts); a resumed
    /// deterministic run must match it to reproduce an uninterrupted run bit for bit.</summary>
    public string Arithmetic { get; set; } = "";
    public List<IterationRecord> History { get; set; } = [];
    public List<PhaseReport> Phases { get; set; } = [];
    public Dictionary<string, float[]> Parameters { get; set; } = [];
    public List<LayerSnapshot> Layers { get; set; } = [];
    public byte[] OptimizerState { get; set; } = [];

    /// <summary>ADMM variables of one layer.</summary>
    public sealed record LayerSnapshot(string Name, double Rho, float[]? Z, float[]? U, bool[]? Mask, float[]? Frozen);

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        using var content = new MemoryStream();
        using (var w = new BinaryWriter(content, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Fingerprint);
            w.Write(PhaseIndex);
            w.Write(BatchInPhase);
            w.Write(PhaseIteration);
            w.Write(PhaseStarted);
            w.Write(EarlyStopped);
            w.Write(BaselineAccuracy);
            w.Write(BaselineLoss);
            w.Write(ElapsedSeconds);
            w.Write(PhaseSeconds);
            w.Write(DropoutSeed);
            w.Write(Arithmetic);
            w.Write(JsonSerializer.Serialize(History, ResultJson.Options));
            w.Write(JsonSerializer.Serialize(Phases, ResultJson.Options));
            w.Write(Parameters.Count);
            foreach (var (name, values) in Parameters)
            {
                w.Write(name);
                WriteFloats(w, values);
            }
            w.Write(Layers.Count);
            foreach (var l in Layers)
            {
                w.Write(l.Name);
                w.Write(l.Rho);
                WriteFloats(w, l.Z);
                WriteFloats(w, l.U);
                WriteBools(w, l.Mask);
                WriteFloats(w, l.Frozen);
            }
            w.Write(OptimizerState.Length);
            w.Write(OptimizerState);
        }
        var bytes = content.ToArray();
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write((long)bytes.Length);
            w.Write(SHA256.HashData(bytes));
            w.Write(bytes);
            w.Flush();
        });
    }

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    public static Checkpoint Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var file = File.ReadAllBytes(path);
        var content = Verify(file, path);
        using var r = new BinaryReader(new MemoryStream(content, writable: false), Encoding.UTF8);
        string field = "fingerprint";
        try
        {
            var c = new Checkpoint
            {
                Fingerprint = r.ReadString(),
                PhaseIndex = r.ReadInt32(),
                BatchInPhase = r.ReadInt32(),
                PhaseIteration = r.ReadInt32(),
                PhaseStarted = r.ReadBoolean(),
                EarlyStopped = r.ReadBoolean(),
                BaselineAccuracy = r.ReadDouble(),
                BaselineLoss = r.ReadDouble(),
                ElapsedSeconds = r.ReadDouble(),
                PhaseSeconds = r.ReadDouble(),
                DropoutSeed = r.ReadInt32(),
                Arithmetic = r.ReadString(),
            };
            field = "history";
            c.History = JsonSerializer.Deserialize<List<IterationRecord>>(r.ReadString(), ResultJson.Options) ?? [];
            field = "phases";
            c.Phases = JsonSerializer.Deserialize<List<PhaseReport>>(r.ReadString(), ResultJson.Options) ?? [];
            field = "parameters";
            var parameters = Count(r, 5, field);
            for (var i = 0; i < parameters; i++) c.Parameters[r.ReadString()] = ReadFloats(r, field) ?? [];
            field = "layers";
            var layers = Count(r, 9, field);
            for (var i = 0; i < layers; i++)
                c.Layers.Add(new LayerSnapshot(r.ReadString(), r.ReadDouble(), ReadFloats(r, field), ReadFloats(r, field), ReadBools(r, field), ReadFloats(r, field)));
            field = "optimizer state";
            c.OptimizerState = r.ReadBytes(Count(r, 1, field));
            if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException($"{r.BaseStream.Length - r.BaseStream.Position} bytes after the end");
            return c;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or JsonException or IOException or DecoderFallbackException or NotSupportedException)
        {
            // Content that passed the checksum was written by a different (buggy or foreign) writer: still the file's fault.
            throw new InvalidCheckpointException(path, field, ex is EndOfStreamException ? "ends early" : ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>The content of a checkpoint file after its magic, version, length and checksum are verified.</summary>
    private static byte[] Verify(byte[] file, string path)
    {
        if (file.Length == 0) throw new InvalidCheckpointException(path, "header", "the file is empty");
        var r = new BinaryReader(new MemoryStream(file, writable: false), Encoding.UTF8);
        try
        {
            if (file[0] != Magic.Length || r.ReadString() != Magic) throw new InvalidCheckpointException(path, "header", "not an AdmmNn checkpoint");
            var version = r.ReadInt32();
            if (version != Version)
                throw new InvalidCheckpointException(path, "version", $"format version {version}; this build reads version {Version} (start again without --resume)");
            var length = r.ReadInt64();
            var hash = r.ReadBytes(HashBytes);
            long left = file.Length - r.BaseStream.Position;
            if (hash.Length != HashBytes || length != left)
                throw new InvalidCheckpointException(path, "length", $"declares {length} bytes of content but {Math.Max(0, left)} follow (truncated?)");
            var content = file.AsSpan((int)r.BaseStream.Position).ToArray();
            if (!SHA256.HashData(content).AsSpan().SequenceEqual(hash))
                throw new InvalidCheckpointException(path, "checksum", "SHA-256 of the content does not match: the file is corrupt");
            return content;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or DecoderFallbackException)
        {
            throw new InvalidCheckpointException(path, "header", "truncated or garbled header");
        }
    }

    /// <summary>A count of items each taking at least <paramref name="minBytes"/> of what is left.</summary>
    private static int Count(BinaryReader r, int minBytes, string field)
    {
        var n = r.ReadInt32();
        if (n < 0 || n > (r.BaseStream.Length - r.BaseStream.Position) / minBytes)
            throw new InvalidDataException($"{field}: count {n} does not fit the {r.BaseStream.Length - r.BaseStream.Position} bytes left");
        return n;
    }

    private static void WriteFloats(BinaryWriter w, float[]? values)
    {
        w.Write(values?.Length ?? -1);
        if (values is not null) w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static float[]? ReadFloats(BinaryReader r, string field)
    {
        var n = r.ReadInt32();
        if (n == -1) return null;
        n = CheckLength(r, n, sizeof(float), field);
        var values = new float[n];
        var bytes = r.ReadBytes(n * sizeof(float));
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    /// <summary>An array length: -1 (null) was handled; anything else negative or past the bytes left is corrupt.</summary>
    private static int CheckLength(BinaryReader r, int n, int elementBytes, string field)
    {
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (n < 0 || (long)n * elementBytes > left)
            throw new InvalidDataException($"{field}: array length {n} is negative or exceeds the {left} bytes left");
        return n;
    }

    private static void WriteBools(BinaryWriter w, bool[]? values)
    {
        w.Write(values?.Length ?? -1);
        if (values is not null) foreach (var v in values) w.Write(v);
    }

    private static bool[]? ReadBools(BinaryReader r, string field)
    {
        var n = r.ReadInt32();
        if (n == -1) return null;
        var bytes = r.ReadBytes(CheckLength(r, n, 1, field));
        return [.. bytes.Select(b => b != 0)];
    }
}
