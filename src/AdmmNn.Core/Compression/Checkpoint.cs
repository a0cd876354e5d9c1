using AdmmNn.Shared;
using System.Text;
using System.Text.Json;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Everything needed to continue a run exactly: position (phase, batch, iteration), every parameter, the ADMM
/// variables, masks, frozen values, ρ, the optimizer's state and the history so far. The data order is a pure
/// function of (seed, phase, epoch), so the position is the whole random state. Written to a temporary file and
/// renamed, so a kill never leaves a torn checkpoint.
/// </summary>
internal sealed class Checkpoint
{
    private const string Magic = "ADMMNN-CKPT";
    private const int Version = 2;

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
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
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
            w.Flush();
        });
    }

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    public static Checkpoint Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            if (r.ReadString() != Magic || r.ReadInt32() != Version) throw new InvalidDataException($"{path}: not an AdmmNn checkpoint (or from another version)");
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
                History = JsonSerializer.Deserialize<List<IterationRecord>>(r.ReadString(), ResultJson.Options) ?? [],
                Phases = JsonSerializer.Deserialize<List<PhaseReport>>(r.ReadString(), ResultJson.Options) ?? [],
            };
            var parameters = r.ReadInt32();
            for (var i = 0; i < parameters; i++) c.Parameters[r.ReadString()] = ReadFloats(r) ?? [];
            var layers = r.ReadInt32();
            for (var i = 0; i < layers; i++) c.Layers.Add(new LayerSnapshot(r.ReadString(), r.ReadDouble(), ReadFloats(r), ReadFloats(r), ReadBools(r), ReadFloats(r)));
            c.OptimizerState = r.ReadBytes(r.ReadInt32());
            return c;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: checkpoint is truncated");
        }
    }

    private static void WriteFloats(BinaryWriter w, float[]? values)
    {
        w.Write(values?.Length ?? -1);
        if (values is not null) w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static float[]? ReadFloats(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0) return null;
        var values = new float[n];
        var bytes = r.ReadBytes(n * sizeof(float));
        if (bytes.Length != n * sizeof(float)) throw new EndOfStreamException();
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    private static void WriteBools(BinaryWriter w, bool[]? values)
    {
        w.Write(values?.Length ?? -1);
        if (values is not null) foreach (var v in values) w.Write(v);
    }

    private static bool[]? ReadBools(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n < 0) return null;
        var bytes = r.ReadBytes(n);
        if (bytes.Length != n) throw new EndOfStreamException();
        return [.. bytes.Select(b => b != 0)];
    }
}
