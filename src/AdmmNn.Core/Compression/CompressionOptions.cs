namespace AdmmNn.Core.Compression;

/// <summary>Run options that are not part of the policy.</summary>
public sealed class CompressionOptions
{
    /// <summary>ADMM (default) or the magnitude-pruning baseline.</summary>
    public CompressionMethod Method { get; set; } = CompressionMethod.Admm;

    /// <summary>Where checkpoints go (one file, replaced atomically after every ADMM iteration); null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/> instead of starting over.</summary>
    public bool Resume { get; set; }

    /// <summary>Overrides the policy's seed.</summary>
    public int? Seed { get; set; }

    /// <summary>Receives a report after every ADMM iteration / logging interval and phase change.</summary>
    public IProgress<CompressionProgress>? Progress { get; set; }

    /// <summary>Name of the model (for the result).</summary>
    public string ModelName { get; set; } = "model";

    /// <summary>Name of the dataset (for the result).</summary>
    public string DatasetName { get; set; } = "";

    /// <summary>The policy file's path (for the result).</summary>
    public string? PolicyPath { get; set; }

    /// <summary>
    /// The validation split the run tunes on (the monitor accuracy of every iteration and phase); null falls back to the first
    /// <c>schedule.monitorSamples</c> test samples, as before validation splits existed.
    /// </summary>
    public AdmmNn.Data.Datasets.LabeledImageSet? Validation { get; set; }

    /// <summary>Where each split came from (train, val, test → a phrase), copied into the result's <c>splits</c>.</summary>
    public IReadOnlyDictionary<string, string>? SplitOrigins { get; set; }

    /// <summary>
    /// The model <c>schedule.distillation.teacher</c> names, loaded; required when the policy names one (the compressor
    /// checks that it is the same file, takes the student's input shape and gives its class count).
    /// </summary>
    public DistillationTeacher? Teacher { get; set; }

    /// <summary>Input shape of one sample (NCHW without N), e.g. [1,28,28]; used for MAC counts.</summary>
    public int[] SampleShape { get; set; } = [1, 28, 28];
}
