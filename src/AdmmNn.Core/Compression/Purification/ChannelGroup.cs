using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression.Purification;

/// <summary>
/// Tensors whose channel k is the same channel: a convolution's output and everything reached from it through
/// channel-wise ops (BatchNormalization, ReLU, pooling, Flatten after a global pool) and residual Adds, which join the
/// groups of both their inputs. A channel can only leave the model if it can leave every tensor of its group.
/// </summary>
internal sealed class ChannelGroup
{
    public ChannelGroup(int channels) => Channels = channels;

    /// <summary>Channels of every tensor in the group.</summary>
    public int Channels { get; }

    /// <summary>Tensor names in the group.</summary>
    public List<string> Tensors { get; } = [];

    /// <summary>Convolutions whose output is in the group: their filter k makes channel k.</summary>
    public List<GraphNode> Producers { get; } = [];

    /// <summary>BatchNormalizations inside the group: their channel k goes with channel k.</summary>
    public List<GraphNode> BatchNorms { get; } = [];

    /// <summary>Conv and Gemm layers reading a tensor of the group (their input channel k reads channel k).</summary>
    public List<GraphNode> Consumers { get; } = [];

    /// <summary>True when some use of the group cannot lose a channel (an op the analysis does not see through, a graph output).</summary>
    public bool Pinned { get; set; }
}
