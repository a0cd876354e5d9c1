using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using Xunit.Abstractions;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>
/// ONNX's own node conformance cases (Debian libonnx-testdata), imported with <see cref="OnnxFormat"/> and run by the
/// engine's <see cref="GraphModule.Run"/>: every case the engine accepts must reproduce <c>output_*.pb</c> within
/// ONNX's backend-test tolerances (rtol 1e-3, atol 1e-7). Skipped cases are counted by reason.
/// </summary>
public sealed class EngineConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_case_the_engine_supports_matches_the_expected_outputs()
    {
        var cases = ConformanceCase.All().ToList();
        Assert.True(cases.Count > 0, $"{ConformanceCase.Root} missing: install Debian's libonnx-testdata");
        var format = new OnnxFormat();
        var passed = new List<string>();
        var failed = new List<string>();
        var skipped = new Dictionary<string, List<string>>();
        var covered = new SortedDictionary<string, int>(StringComparer.Ordinal);
        void Skip(string reason, string name)
        {
            if (!skipped.TryGetValue(reason, out var list)) skipped[reason] = list = [];
            list.Add(name);
        }

        foreach (var testCase in cases)
        {
            ModelGraph graph;
            var label = testCase.Name;
            try
            {
                using var stream = File.OpenRead(testCase.ModelPath);
                graph = format.Read(stream, testCase.Directory);
            }
            catch (ModelFormatException ex) when (Restamped(testCase) is { } restamped)
            {
                // The case predates opset 7, but its only op has had one schema since then: the same case holds at opset 7.
                graph = restamped;
                label += $" (opset {ex.Message.Split(' ')[1]} re-stamped as 7)";
            }
            catch (ModelFormatException ex)
            {
                Skip("not importable: " + ImportReason(ex.Message), testCase.Name);
                continue;
            }
            if (ConformanceCase.NondeterminismReason(graph) is { } random)
            {
                Skip(random, testCase.Name);
                continue;
            }
            if (BakeIntegerInputs(testCase, graph) is { } baked) label += $" ({baked} as initializer)";
            GraphModule module;
            try
            {
                module = GraphModule.FromGraph(graph);
            }
            catch (UnsupportedModelException ex)
            {
                var unsupported = graph.Nodes.Select(n => n.OpType).Distinct().Where(op => !ex.Message.Contains($", {op},") && ex.Message.Contains($"op '{op}'")).ToList();
                Skip(unsupported.Count > 0 ? $"op not supported by the engine ({unsupported[0]})" : "supported op, unsupported attribute or form", testCase.Name);
                continue;
            }
            catch (InvalidModelException ex)
            {
                failed.Add($"{testCase.Name}: engine refused a valid model: {ex.Message}");
                continue;
            }
            var nonFloat = graph.Inputs.Concat(graph.Outputs).FirstOrDefault(v => v.ElementType is not (ElementType.Float32 or ElementType.Undefined));
            if (nonFloat is not null)
            {
                Skip($"non-float32 graph input/output ({nonFloat.ElementType}); engine tensors are float32", testCase.Name);
                continue;
            }

            var difference = RunCase(testCase, graph, module);
            if (difference is null)
            {
                passed.Add(label);
                foreach (var op in graph.Nodes.Select(n => n.OpType).Distinct()) covered[op] = covered.GetValueOrDefault(op) + 1;
            }
            else
            {
                failed.Add($"{label}: {difference}");
            }
        }

        output.WriteLine($"ONNX node conformance through the engine: {passed.Count} passed, {failed.Count} failed, {skipped.Values.Sum(l => l.Count)} skipped (of {cases.Count})");
        output.WriteLine("passed cases per op: " + string.Join(", ", covered.Select(c => $"{c.Key} {c.Value}")));
        output.WriteLine("passed: " + string.Join(" ", passed));
        foreach (var failure in failed) output.WriteLine("FAILED " + failure);
        foreach (var (reason, names) in skipped.OrderByDescending(s => s.Value.Count))
            output.WriteLine($"skipped {names.Count,4}  {reason}: {string.Join(" ", names.Take(reason.StartsWith("supported op", StringComparison.Ordinal) ? names.Count : 6))}{(names.Count > 6 && !reason.StartsWith("supported op", StringComparison.Ordinal) ? " ..." : "")}");

        Assert.True(passed.Count >= 180, $"only {passed.Count} conformance cases ran through the engine");
        Assert.Empty(failed);
    }

    // Ops of the engine with the ONNX schema version in force at opset 7: a case stamped with that opset or later (but
    // before 7) is also a valid opset-7 case. GlobalAveragePool has one schema version (1) through opset 21; HardSigmoid's
    // version 6 holds through opset 21.
    private static readonly Dictionary<string, int> SchemaAtOpset7 = new() { ["GlobalAveragePool"] = 1, ["HardSigmoid"] = 6 };

    private static ModelGraph? Restamped(ConformanceCase testCase)
    {
        var proto = Protos.ModelProto.Parser.ParseFrom(File.ReadAllBytes(testCase.ModelPath));
        var opset = proto.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (opset is null || opset.Version >= OnnxFormat.MinOpset) return null;
        if (!proto.Graph.Node.All(n => SchemaAtOpset7.TryGetValue(n.OpType, out var since) && opset.Version >= since)) return null;
        opset.Version = OnnxFormat.MinOpset;
        return new OnnxFormat().FromBytes(Google.Protobuf.MessageExtensions.ToByteArray(proto), testCase.Directory);
    }

    /// <summary>
    /// The engine's tensors are float32, so integer graph inputs (Reshape's shape, for one) must be constants. With a
    /// single data set, the case's values for them become initializers: the same computation, the same expected output.
    /// Returns the names baked, or null.
    /// </summary>
    private static string? BakeIntegerInputs(ConformanceCase testCase, ModelGraph graph)
    {
        var integers = graph.Inputs.Where(i => i.ElementType == ElementType.Int64).ToList();
        if (integers.Count == 0 || integers.Count == graph.Inputs.Count) return null;
        var sets = testCase.DataSets(graph).ToList();
        if (sets.Count != 1) return null;
        foreach (var input in integers)
        {
            if (!sets[0].Inputs.TryGetValue(input.Name, out var value)) return null;
            graph.Inputs.Remove(input);
            graph.Initializers.Add(value);
        }
        return string.Join(", ", integers.Select(i => $"'{i.Name}'"));
    }

    private static string? RunCase(ConformanceCase testCase, ModelGraph graph, GraphModule module)
    {
        foreach (var (inputs, expected) in testCase.DataSets(graph))
        {
            IReadOnlyDictionary<string, Tensor> actual;
            try
            {
                actual = module.Run(inputs.Where(kv => graph.Inputs.Any(i => i.Name == kv.Key)).ToDictionary(kv => kv.Key, kv => ToTensor(kv.Value)));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or InvalidModelException or UnsupportedModelException or IndexOutOfRangeException)
            {
                return $"run failed: {ex.GetType().Name}: {ex.Message}";
            }
            foreach (var (name, tensor) in expected)
            {
                if (!actual.TryGetValue(name, out var value)) return $"output '{name}' missing";
                var difference = ConformanceCase.Compare(tensor, FromTensor(value));
                if (difference is not null) return $"output '{name}' {difference}";
            }
        }
        return null;
    }

    private static Tensor ToTensor(TensorData data) =>
        new(data.Floats ?? data.Int64s!.Select(v => (float)v).ToArray(), data.Dims.Select(d => (int)d).ToArray());

    private static TensorData FromTensor(Tensor tensor) =>
        TensorData.FromFloats("", tensor.Shape.Select(d => (long)d).ToArray(), tensor.ToArray());

    private static string ImportReason(string message) =>
        message.Contains("opset") && message.Contains("not supported") ? "opset outside 7..21"
        : message.Contains("data type") ? "data type outside the supported set (e.g. STRING)"
        : message.Contains("tensor types") ? "sequence/optional value types"
        : message.Contains("default ONNX domain") ? "no default-domain opset (ai.onnx.ml/preview ops)"
        : message.Contains("GRAPH") ? "graph attributes (control flow)"
        : message;
}
