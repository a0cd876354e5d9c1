using System.Runtime.ExceptionServices;
using AdmmNn.Fuzzing.Mutation;
using AdmmNn.Fuzzing.Targets;
using SharpFuzz;

/// <summary>
/// Coverage-guided fuzzing under afl++ with SharpFuzz (build/fuzz.sh coverage drives both verbs):
/// <list type="bullet">
/// <item><c>instrument DIR</c>: adds SharpFuzz's edge-coverage probes to the readers' assemblies in a copy of the build
/// output (the runtime's packed reader, the ONNX plugin, the contracts, Google.Protobuf's parser).</item>
/// <item><c>afl packed|onnx</c>: afl-fuzz's target. Each input goes through the same target as the mutation run, every
/// stage; an undocumented exception is rethrown, which afl records as a crash. Without afl-fuzz attached, SharpFuzz
/// runs one input from standard input (how a crash is replayed).</item>
/// </list>
/// </summary>
internal static class AflHarness
{
    /// <summary>The assemblies whose code decides what a hostile file reaches.</summary>
    public static readonly string[] Instrumented = ["AdmmNn.Runtime.dll", "AdmmNn.Plugins.Onnx.dll", "AdmmNn.Abstractions.dll", "Google.Protobuf.dll"];

    public static int Instrument(string[] args)
    {
        var dir = args.Length > 1 ? args[1] : throw new ArgumentException("instrument DIR");
        foreach (var name in Instrumented)
        {
            var path = Path.Combine(dir, name);
            Fuzzer.Instrument(path, _ => true, Options.Value);
            Console.WriteLine($"instrumented {path}");
        }
        return 0;
    }

    public static int Run(string[] args)
    {
        bool packed = args.Length > 1 && args[1] == "packed";
        if (!packed && !(args.Length > 1 && args[1] == "onnx")) throw new ArgumentException("afl packed|onnx");
        // Created inside the loop: instrumented code must not run before SharpFuzz maps afl's coverage memory.
        IFuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= packed ? new PackedTarget() : new OnnxTarget();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            // afl's byte edits would almost never pass the packed file's CRC-32: recompute it so they reach the header
            // and graph section behind it (the mutation run covers checksum mismatches).
            if (packed) PackedMutator.FixCrc(bytes);
            var outcome = target.Run(bytes);
            if (outcome.Verdict == FuzzVerdict.Defect) ExceptionDispatchInfo.Capture(outcome.Exception!).Throw();
        });
        return 0;
    }
}
