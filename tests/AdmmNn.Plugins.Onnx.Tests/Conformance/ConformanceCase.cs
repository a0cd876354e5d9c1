using AdmmNn.Abstractions.Models;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>
/// One case of ONNX's node conformance data: <c>model.onnx</c> plus <c>test_data_set_*/input_*.pb</c> and
/// <c>output_*.pb</c>. Shared (as a linked file) by the engine and the ONNX Runtime conformance tests.
/// </summary>
internal sealed record ConformanceCase(string Name, string Directory)
{
    internal const string Root = "/usr/share/libonnx-testdata/data/node";

    internal string ModelPath => Path.Combine(Directory, "model.onnx");

    internal static IEnumerable<ConformanceCase> All() =>
        System.IO.Directory.Exists(Root)
            ? System.IO.Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal)
                .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
                .Select(d => new ConformanceCase(Path.GetFileName(d), d))
            : [];

    /// <summary>The data sets: inputs keyed by graph input name, expected outputs keyed by graph output name.</summary>
    internal IEnumerable<(Dictionary<string, TensorData> Inputs, Dictionary<string, TensorData> Outputs)> DataSets(ModelGraph graph)
    {
        foreach (var set in System.IO.Directory.EnumerateDirectories(Directory, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            yield return (ReadNumbered(set, "input", graph.Inputs), ReadNumbered(set, "output", graph.Outputs));
        }
    }

    private static Dictionary<string, TensorData> ReadNumbered(string set, string prefix, List<ValueInfo> declared)
    {
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        for (int i = 0; ; i++)
        {
            var path = Path.Combine(set, $"{prefix}_{i}.pb");
            if (!File.Exists(path)) break;
            var tensor = OnnxTensorFile.Read(path);
            // The file's own name is authoritative when present; otherwise position matches the graph's list.
            var name = tensor.Name.Length > 0 && declared.Any(v => v.Name == tensor.Name) ? tensor.Name
                : i < declared.Count ? declared[i].Name : tensor.Name;
            tensor.Name = name;
            result[name] = tensor;
        }
        return result;
    }

    /// <summary>
    /// Why a case that imports cannot be compared even when its ops are supported, or null: Dropout in training mode
    /// draws a random mask, so its expected output is numpy's random stream, which no other runtime reproduces.
    /// </summary>
    internal static string? NondeterminismReason(ModelGraph graph) =>
        graph.Nodes.Any(n => n.OpType == "Dropout" && n.Inputs.Count >= 3 && n.Inputs[2].Length > 0)
            ? "Dropout in training mode (random mask)"
            : null;

    /// <summary>
    /// ONNX's backend-test comparison (numpy assert_allclose, rtol 1e-3, atol 1e-7; NaNs equal). Null when equal,
    /// else a short description of the first difference.
    /// </summary>
    internal static string? Compare(TensorData expected, TensorData actual, double rtol = 1e-3, double atol = 1e-7)
    {
        if (!expected.Dims.SequenceEqual(actual.Dims))
            return $"shape [{string.Join(",", actual.Dims)}], expected [{string.Join(",", expected.Dims)}]";
        if (expected.Floats is { } e)
        {
            var a = actual.Floats;
            if (a is null) return "not a floating-point output";
            for (int i = 0; i < e.Length; i++)
            {
                if (float.IsNaN(e[i]) && float.IsNaN(a[i])) continue;
                if (float.IsInfinity(e[i]) && e[i] == a[i]) continue;
                if (!(Math.Abs((double)a[i] - e[i]) <= atol + rtol * Math.Abs((double)e[i])))
                    return $"element {i}: {a[i]} vs expected {e[i]}";
            }
            return null;
        }
        var x = expected.Int64s!;
        var y = actual.Int64s;
        if (y is null) return "not an integer output";
        for (int i = 0; i < x.Length; i++)
            if (x[i] != y[i]) return $"element {i}: {y[i]} vs expected {x[i]}";
        return null;
    }
}
