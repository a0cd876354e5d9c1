using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// An op whose output is its first input with another shape (Identity, Flatten, Reshape): the output shares the
/// input's storage, so it costs nothing; the gradient is passed through unchanged.
/// </summary>
internal abstract class ViewOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    public override bool IsDifferentiableInput(int index) => index == 0;

    public sealed override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        int[] shape = OutputShape(x.Shape);
        if (Tensor.SizeOf(shape) != x.Size)
        {
            throw Error($"cannot view shape {x.ShapeText} as {Tensor.ShapeToText(shape)}.");
        }

        var current = s.Values[Out[0]];
        if (current is null || !ReferenceEquals(current.Data, x.Data) || !current.HasShape(shape))
        {
            s.Values[Out[0]] = new Tensor(x.Data, shape);
        }
    }

    public sealed override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is { } dx)
        {
            var dy = OutputGrad(s);
            TensorPrimitives.Add(dx.AsSpan(), dy.AsSpan(), dx.AsSpan());
        }
    }

    /// <summary>The output shape for an input of shape <paramref name="input"/>.</summary>
    protected abstract int[] OutputShape(int[] input);
}
