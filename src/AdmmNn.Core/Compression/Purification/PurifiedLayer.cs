namespace AdmmNn.Core.Compression.Purification;

/// <summary>One Conv or Gemm weight before and after purification.</summary>
public sealed class PurifiedLayer
{
    /// <summary>The weight's initializer name.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>Conv</c> or <c>Gemm</c>.</summary>
    public string OpType { get; set; } = "";

    /// <summary>Output channels (filters) before.</summary>
    public int OutputChannelsBefore { get; set; }

    /// <summary>Output channels (filters) after.</summary>
    public int OutputChannelsAfter { get; set; }

    /// <summary>Input channels (features for Gemm) before.</summary>
    public int InputChannelsBefore { get; set; }

    /// <summary>Input channels (features for Gemm) after.</summary>
    public int InputChannelsAfter { get; set; }

    /// <summary>Filters whose weights were all empty before purification (removed or not).</summary>
    public int EmptyFiltersBefore { get; set; }

    /// <summary>Shape before.</summary>
    public int[] ShapeBefore { get; set; } = [];

    /// <summary>Shape after.</summary>
    public int[] ShapeAfter { get; set; } = [];
}
