namespace AdmmNn.Core.Hardware;

/// <summary>What the compression is for; decides which layers make up for those kept dense.</summary>
public enum CompressionGoal
{
    /// <summary>Fewer stored bits: the layers with the most weights (usually fully connected) are pruned harder first.</summary>
    Storage,

    /// <summary>Less computation: convolution layers (most MACs) are pruned harder first.</summary>
    Computation,
}
