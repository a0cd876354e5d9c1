using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX ReduceMean: axes as an attribute up to opset 17 and as an optional constant input from opset 18; no axes
/// reduces every axis (unless noop_with_empty_axes); keepdims (default 1) keeps reduced axes as size 1.
/// Squeeze-excitation blocks and ShuffleNet's head use it over the spatial axes.
/// </summary>
internal sealed class ReduceMeanOp : NodeOp
{
    private readonly long[]? _axes;
    private readonly bool _keepDims;
    private readonly bool _noopWithEmptyAxes;
    private (int[] Shape, bool[] Reduced, int[] OutShape)? _plan;

    public ReduceMeanOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _axes = context.Opset < 18 ? ConstantInputs.AttributeInts(node, "axes") : ConstantInputs.Ints(node, context, 1, "axes");
        _keepDims = node.Int("keepdims", 1) != 0;
        _noopWithEmptyAxes = context.Opset >= 18 && node.Int("noop_with_empty_axes", 0) != 0;
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (_, reduced, outShape) = Plan(x);
        var y = s.Output(Out[0], outShape);
        var yd = y.Data;
        Array.Clear(yd, 0, y.Size);
        float[] xd = x.Data;
        Walk(x.Shape, reduced, (i, o) => yd[o] += xd[i]);
        float scale = y.Size == 0 ? 0f : (float)y.Size / Math.Max(1, x.Size);
        for (int o = 0; o < y.Size; o++)
        {
            yd[o] *= scale;
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var x = Input(s, 0);
        var (_, reduced, outShape) = Plan(x);
        float scale = (float)Tensor.SizeOf(outShape) / Math.Max(1, x.Size);
        float[] dy = OutputGrad(s).Data, dxd = dx.Data;
        Walk(x.Shape, reduced, (i, o) => dxd[i] += dy[o] * scale);
    }

    /// <summary>Visits every input element with its offset in the reduced output.</summary>
    private static void Walk(int[] shape, bool[] reduced, Action<int, int> visit)
    {
        int rank = shape.Length, total = Tensor.SizeOf(shape);
        var outStride = new int[rank];
        for (int d = rank - 1, acc = 1; d >= 0; d--)
        {
            outStride[d] = reduced[d] ? 0 : acc;
            acc *= reduced[d] ? 1 : shape[d];
        }

        var index = new int[rank];
        int o = 0;
        for (int i = 0; i < total; i++)
        {
            visit(i, o);
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                o += outStride[d];
                if (index[d] < shape[d])
                {
                    break;
                }

                o -= outStride[d] * shape[d];
                index[d] = 0;
            }
        }
    }

    private (int[] Shape, bool[] Reduced, int[] OutShape) Plan(Tensor x)
    {
        if (_plan is { } p && x.HasShape(p.Shape))
        {
            return p;
        }

        int rank = x.Rank;
        var reduced = new bool[rank];
        if (_axes is null || _axes.Length == 0)
        {
            Array.Fill(reduced, !_noopWithEmptyAxes);
        }
        else
        {
            foreach (long a in _axes)
            {
                int axis = ConstantInputs.Axis(Node, a, rank);
                if (reduced[axis])
                {
                    throw Error($"axis {a} is listed twice.");
                }

                reduced[axis] = true;
            }
        }

        var outShape = Enumerable.Range(0, rank).Where(d => _keepDims || !reduced[d]).Select(d => reduced[d] ? 1 : x.Shape[d]).ToArray();
        _plan = ((int[])x.Shape.Clone(), reduced, outShape);
        return _plan.Value;
    }
}
