using AdmmNn.Abstractions.Hardware;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>Times one layer's kernels; the real one calls the runtime, tests pass a deterministic fake.</summary>
internal interface IKernelTimer
{
    /// <summary>Identifies the kernels and the machine, so cached timings from another build or CPU are not reused.</summary>
    string Fingerprint { get; }

    /// <summary>Median seconds of the dense kernel for one sample.</summary>
    double Dense(LayerWorkload layer, int repetitions);

    /// <summary>Median seconds of the sparse kernel with <paramref name="nonZeros"/> weights kept, for one sample.</summary>
    double Sparse(LayerWorkload layer, long nonZeros, string structure, int repetitions, int seed);
}
