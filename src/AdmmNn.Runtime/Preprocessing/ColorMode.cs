namespace AdmmNn.Runtime.Preprocessing;

/// <summary>What channel count images are converted to before anything else.</summary>
public enum ColorMode
{
    /// <summary>Keep the channels as stored (alpha is always dropped).</summary>
    Keep,

    /// <summary>One channel: ITU-R 601-2 luma, L = (299 R + 587 G + 114 B) / 1000, as PIL's <c>convert("L")</c>.</summary>
    Grayscale,

    /// <summary>Three channels: grey is replicated.</summary>
    Rgb,
}
