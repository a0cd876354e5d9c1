using System.Runtime.InteropServices;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>Times the runtime's own kernels (<see cref="KernelTimer"/>), so predictions hold for the runtime users ship.</summary>
internal sealed class RuntimeKernelTimer : IKernelTimer
{
    /// <inheritdoc />
    public string Fingerprint { get; } = MakeFingerprint();

    /// <inheritdoc />
    public double Dense(LayerWorkload layer, int repetitions) =>
        KernelTimer.TimeDense(layer.OpType, layer.WeightShape, layer.InputShape, repetitions, layer.OutputShape);

    /// <inheritdoc />
    public double Sparse(LayerWorkload layer, long nonZeros, string structure, int repetitions, int seed) =>
        KernelTimer.TimeSparse(layer.OpType, layer.WeightShape, layer.InputShape, nonZeros, KernelStructure(structure), repetitions, seed, layer.OutputShape);

    /// <summary>
    /// The runtime has one sparse kernel (CSR); filter and channel layouts are timed as such, any other structure
    /// (block, n:m) runs through CSR like unstructured weights do.
    /// </summary>
    private static string KernelStructure(string structure) =>
        KernelTimer.Structures.Contains(structure) ? structure : "unstructured";

    private static string MakeFingerprint()
    {
        var runtime = typeof(KernelTimer).Assembly;
        return string.Join(';', CpuModel(), Environment.ProcessorCount, RuntimeInformation.ProcessArchitecture,
            runtime.GetName().Version, runtime.ManifestModule.ModuleVersionId);
    }

    private static string CpuModel()
    {
        try
        {
            const string cpuinfo = "/proc/cpuinfo";
            if (File.Exists(cpuinfo))
                foreach (var line in File.ReadLines(cpuinfo))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            // Fall through: the architecture still separates most machines.
        }
        return RuntimeInformation.OSDescription;
    }
}
