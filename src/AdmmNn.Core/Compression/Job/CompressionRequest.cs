using AdmmNn.Core.Plugins;

namespace AdmmNn.Core.Compression.Job;

/// <summary>One compression to run: inputs, policy, run options and the loaded plugins (<see cref="CompressionJob.Run"/>).</summary>
public sealed record CompressionRequest
{
    /// <summary>The trained model file; its format comes from <see cref="Plugins"/> by extension.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The policy file.</summary>
    public required string PolicyPath { get; init; }

    /// <summary>
    /// A data set name (<c>fashion-mnist</c>) or a path: a folder of IDX files, an image folder, CIFAR batches, NumPy
    /// files, or a layout a dataset plugin in <see cref="Plugins"/> reads.
    /// </summary>
    public required string Data { get; init; }

    /// <summary>A folder searched first for named data sets; null for the standard places only.</summary>
    public string? DataSearchFolder { get; init; }

    /// <summary>The loaded formats, constraint kinds and targets.</summary>
    public required PluginSet Plugins { get; init; }

    /// <summary>A hardware target replacing the policy's <c>hardware.target</c> (its other hardware options still apply).</summary>
    public string? Target { get; init; }

    /// <summary>An accuracy-drop limit replacing the policy's <c>gates.maxAccuracyDrop</c> (a fraction).</summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>
    /// A preprocessing replacing the policy's <c>data</c> section preprocessing whole (<c>--preprocessing</c>, MSBuild
    /// <c>Preprocessing</c> metadata; see <see cref="Policy.PreprocessingText"/>); null keeps the policy's.
    /// </summary>
    public AdmmNn.Runtime.Preprocessing.ImagePreprocessing? Preprocessing { get; init; }

    /// <summary>ADMM or the magnitude baseline.</summary>
    public CompressionMethod Method { get; init; } = CompressionMethod.Admm;

    /// <summary>Where checkpoints go; null for none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Continue the run checkpointed in <see cref="CheckpointDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Reads every split into memory even where it could be streamed (image folders are streamed by default); the two give
    /// identical weights, so this is for tests and for small folders read repeatedly.
    /// </summary>
    public bool InMemoryData { get; init; }

    /// <summary>Replaces the policy's seed.</summary>
    public int? Seed { get; init; }

    /// <summary>Training progress.</summary>
    public IProgress<CompressionProgress>? Progress { get; init; }

    /// <summary>One line per step decided before training (data, hardware-aware decisions); null to discard.</summary>
    public Action<string>? Log { get; init; }
}
