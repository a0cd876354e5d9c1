using System.Diagnostics;
using System.Globalization;
using AdmmNn.Fuzzing;
using AdmmNn.Fuzzing.Mutation;
using AdmmNn.Fuzzing.Targets;
using AdmmNn.Tensors.Parallelism;

// Long fuzz run of one reader. Usage:
//   AdmmNn.Fuzz <packed|onnx> --seed-file PATH[:WEIGHT]... [--count N] [--first I] [--seed S] [--out DIR]
//               [--regressions DIR] [--max-mb 1024] [--max-ms 2000] [--hang-ms 20000] [--thorough-every 1] [--emit I]
// Every failing input is written to --out and, with --regressions, to that folder, where the test suite replays it.
// A hang past --hang-ms saves the input and exits with code 3; the index being run is kept in <out>/current-<reader>
// so a driver can restart after a crash (build/fuzz.sh does). --thorough-every N: only a seeded one in N inputs goes past
// the reader (for ONNX: pack, runtime load and run, engine run), the others are read only.
if (args is ["make-packed", ..]) return SeedMaker.Run(args);
if (args is ["profile-pack", ..]) return PackProfile.Run(args);
if (args is ["read-memory", ..]) return ReadMemory.Run(args);
if (args is ["instrument", ..]) return AflHarness.Instrument(args);
if (args is ["afl", ..]) return AflHarness.Run(args);
var reader = args.Length > 0 ? args[0] : throw new ArgumentException("first argument: packed or onnx");
var seedFiles = new List<FuzzSeed>();
long count = 1000, first = 0, emit = -1;
int seed = 16;
string outDir = "fuzz-out";
string? regressions = null;
long maxMb = 1024;
double maxMs = 2000, hangMs = 20000;
int thoroughEvery = 1;
for (int a = 1; a < args.Length; a++)
{
    string Next() => args[++a];
    switch (args[a])
    {
        case "--seed-file":
            var spec = Next();
            int colon = spec.LastIndexOf(':');
            var (path, weight) = colon > 0 && int.TryParse(spec[(colon + 1)..], out var w) ? (spec[..colon], w) : (spec, 1);
            seedFiles.Add(new FuzzSeed(Path.GetFileName(path), File.ReadAllBytes(path), weight));
            break;
        case "--count": count = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--first": first = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--out": outDir = Next(); break;
        case "--regressions": regressions = Next(); break;
        case "--max-mb": maxMb = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--max-ms": maxMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--hang-ms": hangMs = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--thorough-every": thoroughEvery = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--emit": emit = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[a]}");
    }
}
if (seedFiles.Count == 0) throw new ArgumentException("give at least one --seed-file");
Workers.Threads = 1;
IFuzzTarget target = reader switch { "packed" => new PackedTarget(), "onnx" => new OnnxTarget(), _ => throw new ArgumentException($"unknown reader {reader}") };
Func<byte[], IMutator> mutator = reader == "packed" ? b => new PackedMutator(b) : b => new OnnxMutator(b);
Directory.CreateDirectory(outDir);

void Save(long index, string problem, byte[] bytes)
{
    var name = $"{reader}-s{seed}-{index}";
    File.WriteAllBytes(Path.Combine(outDir, name + target.Extension), bytes);
    File.WriteAllText(Path.Combine(outDir, name + ".txt"), problem + "\n");
    if (regressions is null) return;
    Directory.CreateDirectory(regressions);
    File.WriteAllBytes(Path.Combine(regressions, name + target.Extension), bytes);
}

FuzzCampaign? campaign = null;
long current = -1;
var started = Stopwatch.StartNew();
var inputClock = Stopwatch.StartNew();
using var progress = new FileStream(Path.Combine(outDir, $"current-{reader}"), FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
var watchdog = new Thread(() =>
{
    while (true)
    {
        Thread.Sleep(250);
        long index = Interlocked.Read(ref current);
        if (index < 0 || inputClock.Elapsed.TotalMilliseconds < hangMs) continue;
        var (bytes, how, from) = campaign!.Input(index);
        Save(index, $"hang: over {hangMs} ms; seed {from}; {how}", bytes);
        Console.Error.WriteLine($"input {index} hangs (over {hangMs} ms): saved; {how}");
        Environment.Exit(3);
    }
}) { IsBackground = true };

var report = new FuzzReport();
campaign = new FuzzCampaign(target, seedFiles, mutator, seed)
{
    MaxAllocatedBytes = maxMb << 20,
    MaxMilliseconds = maxMs,
    ThoroughEvery = thoroughEvery,
    Starting = i =>
    {
        inputClock.Restart();
        Interlocked.Exchange(ref current, i);
        progress.Position = 0;
        progress.Write(BitConverter.GetBytes(i));
    },
    Failed = f =>
    {
        Console.WriteLine($"FAIL input {f.Index} ({f.Seed}; {f.Mutation}): {f.Problem}");
        Save(f.Index, $"{f.Problem}; seed {f.Seed}; {f.Mutation}", f.Bytes);
    },
};
if (emit >= 0)
{
    var (bytes, how, from) = campaign.Input(emit);
    Save(emit, $"emitted; seed {from}; {how}", bytes);
    Console.WriteLine($"input {emit}: {from}; {how}");
    return 0;
}
foreach (var s in seedFiles)
{
    // A seed that does not load and run exercises only the rejection paths: say so up front.
    var o = target.Run(s.Bytes);
    Console.WriteLine($"seed {s.Name} ({s.Bytes.Length} bytes, weight {s.Weight}): {o.Verdict}{(o.Exception is null ? "" : " " + o.Describe())}");
}
watchdog.Start();
const long Chunk = 1000;
for (long at = first; at < first + count; at += Chunk)
{
    var part = campaign.Run(at, Math.Min(Chunk, first + count - at));
    Merge(report, part);
    Console.WriteLine($"{report.Inputs} inputs, {report.Inputs / started.Elapsed.TotalSeconds:F0}/s, {report.Failures.Count} failures, "
        + $"max {report.MaxAllocatedBytes / 1048576.0:F1} MiB, slowest {report.MaxMilliseconds:F0} ms CPU, {report.MaxWallMilliseconds:F0} ms wall");
}
Interlocked.Exchange(ref current, -1);
Console.WriteLine($"{reader}: {report}");
Console.WriteLine($"elapsed {started.Elapsed.TotalSeconds:F0} s; peak working set of the process {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
if (target is OnnxTarget onnx) Console.WriteLine("stage ms: " + string.Join(", ", onnx.StageMilliseconds.Select(p => $"{p.Key} {p.Value:F0}")));
return report.Failures.Count == 0 ? 0 : 1;

static void Merge(FuzzReport total, FuzzReport part)
{
    total.Inputs += part.Inputs;
    total.Rejected += part.Rejected;
    total.Loaded += part.Loaded;
    total.Thorough += part.Thorough;
    total.Failures.AddRange(part.Failures.Select(f => f with { Bytes = [] }));
    foreach (var (k, v) in part.FailureClasses) total.FailureClasses[k] = total.FailureClasses.GetValueOrDefault(k) + v;
    foreach (var (k, v) in part.PerSeed) total.PerSeed[k] = total.PerSeed.GetValueOrDefault(k) + v;
    if (part.MaxAllocatedBytes > total.MaxAllocatedBytes) (total.MaxAllocatedBytes, total.MaxAllocatedIndex) = (part.MaxAllocatedBytes, part.MaxAllocatedIndex);
    total.MaxWallMilliseconds = Math.Max(total.MaxWallMilliseconds, part.MaxWallMilliseconds);
    if (part.MaxMilliseconds > total.MaxMilliseconds) (total.MaxMilliseconds, total.MaxMillisecondsIndex) = (part.MaxMilliseconds, part.MaxMillisecondsIndex);
}
