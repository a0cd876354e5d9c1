using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Kernels;

/// <summary>
/// The Conv attributes (group, strides, pads) that turn a sample's input shape into its output shape for a weight shape:
/// what a timing probe needs when a layer description carries shapes but not attributes. Pure.
/// </summary>
internal static class ConvGeometry
{
    /// <summary>
    /// Attributes for weight [out, in/group, kh, kw] over input [C, H, W] giving <paramref name="outputShape"/> [out, OH, OW]
    /// (null: stride 1 and the least padding that fits the kernel): per axis the smallest stride with a padding of at most
    /// kernel-1 on each side that yields the output size.
    /// </summary>
    public static List<NodeAttribute> Attributes(int[] weightShape, int[] inputShape, int[]? outputShape)
    {
        var group = inputShape[0] / weightShape[1];
        var strides = new long[2];
        var pads = new long[4];
        for (var d = 0; d < 2; d++)
        {
            int size = inputShape[d + 1], kernel = weightShape[d + 2];
            var (stride, total) = outputShape is { Length: 3 } ? Solve(size, kernel, outputShape[d + 1]) : (1, Math.Max(0, kernel - size));
            strides[d] = stride;
            pads[d] = total / 2;
            pads[d + 2] = total - total / 2;
        }
        var attributes = new List<NodeAttribute> { NodeAttribute.Of("strides", strides), NodeAttribute.Of("pads", pads) };
        if (group != 1) attributes.Add(NodeAttribute.Of("group", (long)group));
        return attributes;
    }

    private static (int Stride, int TotalPad) Solve(int size, int kernel, int output)
    {
        for (var stride = 1; stride <= Math.Max(1, size); stride++)
            for (var total = 0; total <= 2 * (kernel - 1); total++)
                if (size + total >= kernel && (size + total - kernel) / stride + 1 == output) return (stride, total);
        return (1, Math.Max(0, kernel - size));
    }
}
