namespace AdmmNn.Runtime.Format;

/// <summary>One float tensor of a packed model: its name, shape and storage plan.</summary>
/// <param name="Name">Initializer name.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Plan">How it is stored and what it costs.</param>
public sealed record PackedTensorSummary(string Name, long[] Shape, TensorStoragePlan Plan);
