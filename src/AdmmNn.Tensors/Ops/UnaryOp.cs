using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>An elementwise op with one input and one same-shaped output.</summary>
internal abstract class UnaryOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    public sealed override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var y = s.Output(Out[0], x.Shape);
        Apply(x.Data.AsSpan(0, x.Size), y.Data.AsSpan(0, y.Size));
    }

    public sealed override void Backward(ExecutionState s)
    {
        var dx = InputGrad(s, 0);
        if (dx is null)
        {
            return;
        }

        var x = Input(s, 0);
        var y = s.Value(Out[0]);
        AddGradient(x.Data, y.Data, OutputGrad(s).Data, dx.Data, x.Size);
    }

    /// <summary>y = f(x).</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>dx += dy * f'(x) (given x and y = f(x)).</summary>
    protected abstract void AddGradient(float[] x, float[] y, float[] dy, float[] dx, int count);
}
