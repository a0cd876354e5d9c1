using System.Diagnostics;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime.Format;

/// <summary><c>profile-pack model.onnx [N]</c>: where packing one ONNX model's graph spends its time (planning vs the whole write).</summary>
internal static class PackProfile
{
    public static int Run(string[] args)
    {
        var graph = new OnnxFormat().FromBytes(File.ReadAllBytes(args[1]));
        int n = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
        for (int round = 0; round < 2; round++)
        {
            var plan = Stopwatch.StartNew();
            for (int r = 0; r < n; r++)
                foreach (var t in graph.Initializers.Where(t => t.Floats is not null))
                    StorageAccounting.Plan(t.Floats, t.Dims.Select(d => (int)d).ToArray());
            double planMs = plan.Elapsed.TotalMilliseconds / n;
            var write = Stopwatch.StartNew();
            for (int r = 0; r < n; r++) PackedModelWriter.Write(graph, new MemoryStream());
            Console.WriteLine($"plan {planMs:F1} ms, whole write {write.Elapsed.TotalMilliseconds / n:F1} ms per model");
        }
        return 0;
    }
}
