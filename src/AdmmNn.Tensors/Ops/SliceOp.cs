using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Slice: starts, ends and axes as attributes before opset 10; from opset 10 constant inputs starts (1), ends (2),
/// axes (3, optional) and steps (4, optional, may be negative). Out-of-range bounds are clamped as ONNX specifies
/// (PyTorch writes INT64_MAX for "to the end").
/// </summary>
internal sealed class SliceOp : NodeOp
{
    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[]? _axes;
    private readonly long[]? _steps;
    private (int[] Shape, AxisGather Gather)? _plan;

    public SliceOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        if (context.Opset < 10)
        {
            _starts = ConstantInputs.AttributeInts(node, "starts") ?? throw Error("attribute starts is required before opset 10.");
            _ends = ConstantInputs.AttributeInts(node, "ends") ?? throw Error("attribute ends is required before opset 10.");
            _axes = ConstantInputs.AttributeInts(node, "axes");
        }
        else
        {
            _starts = ConstantInputs.Ints(node, context, 1, "starts") ?? throw Error("input starts is required.");
            _ends = ConstantInputs.Ints(node, context, 2, "ends") ?? throw Error("input ends is required.");
            _axes = ConstantInputs.Ints(node, context, 3, "axes");
            _steps = ConstantInputs.Ints(node, context, 4, "steps");
        }

        if (_ends.Length != _starts.Length || (_axes is not null && _axes.Length != _starts.Length) || (_steps is not null && _steps.Length != _starts.Length))
        {
            throw Error($"starts, ends, axes and steps must have the same length (got {_starts.Length}, {_ends.Length}, {_axes?.Length}, {_steps?.Length}).");
        }

        if (_steps is not null && _steps.Any(v => v == 0))
        {
            throw Error("steps must not be 0.");
        }
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var gather = Plan(x);
        var y = s.Output(Out[0], gather.OutputShape);
        gather.Forward(x.Data, y.Data, 0f);
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is { } dx)
        {
            Plan(Input(s, 0)).AddBackward(OutputGrad(s).Data, dx.Data);
        }
    }

    private AxisGather Plan(Tensor x)
    {
        if (_plan is { } p && x.HasShape(p.Shape))
        {
            return p.Gather;
        }

        int rank = x.Rank;
        var maps = Enumerable.Range(0, rank).Select(d => Enumerable.Range(0, x.Shape[d]).ToArray()).ToArray();
        var seen = new bool[rank];
        for (int i = 0; i < _starts.Length; i++)
        {
            int axis = ConstantInputs.Axis(Node, _axes?[i] ?? i, rank);
            if (seen[axis])
            {
                throw Error($"axis {axis} is sliced twice.");
            }

            seen[axis] = true;
            maps[axis] = Positions(x.Shape[axis], _starts[i], _ends[i], _steps?[i] ?? 1);
        }

        var gather = new AxisGather(x.Shape, maps);
        _plan = ((int[])x.Shape.Clone(), gather);
        return gather;
    }

    /// <summary>The input positions one axis keeps, by the ONNX clamping rules.</summary>
    public static int[] Positions(int size, long start, long end, long step)
    {
        if (start < 0)
        {
            start += size;
        }

        if (end < 0)
        {
            end += size;
        }

        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
        }
        else
        {
            start = Math.Clamp(start, 0, size - 1);
            end = Math.Clamp(end, -1, size - 1);
        }

        long count = step > 0 ? (end - start + step - 1) / step : (start - end + (-step) - 1) / (-step);
        return count <= 0 ? [] : Enumerable.Range(0, (int)count).Select(k => (int)(start + k * step)).ToArray();
    }
}
