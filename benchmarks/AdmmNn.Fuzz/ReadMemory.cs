using System.Diagnostics;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;

/// <summary>
/// <c>read-memory FILE...</c>: bytes allocated and peak working set while the ONNX reader (.onnx) or the runtime's
/// loader (.admmnn) reads each file: the figures behind "the memory a maximal legal file may take" in docs/onnx.md and
/// docs/format.md.
/// </summary>
internal static class ReadMemory
{
    public static int Run(string[] args)
    {
        foreach (var path in args.Skip(1))
        {
            var bytes = File.ReadAllBytes(path);
            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            string outcome;
            try
            {
                if (path.EndsWith(".onnx", StringComparison.Ordinal)) new OnnxFormat().FromBytes(bytes);
                else CompressedModel.Load(bytes, new CompressedModelOptions { Threads = 1 });
                outcome = "read";
            }
            catch (Exception ex) when (ex is ModelFormatException or InvalidModelException)
            {
                outcome = "rejected: " + ex.Message;
            }
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            Console.WriteLine($"{Path.GetFileName(path)}: {bytes.Length} bytes, {allocated / 1048576.0:F1} MiB allocated "
                + $"({(double)allocated / bytes.Length:F1} x the file), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB; {outcome}");
        }
        return 0;
    }
}
