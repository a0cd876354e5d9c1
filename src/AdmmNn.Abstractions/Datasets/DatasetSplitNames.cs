namespace AdmmNn.Abstractions.Datasets;

/// <summary>The split names datasets use.</summary>
public static class DatasetSplitNames
{
    /// <summary>Training samples.</summary>
    public const string Train = "train";

    /// <summary>Validation samples: what a compressor tunes on (monitoring, early stop).</summary>
    public const string Validation = "val";

    /// <summary>Held-out test samples: reported only, never tuned on.</summary>
    public const string Test = "test";
}
