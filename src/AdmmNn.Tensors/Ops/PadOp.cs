using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Pad, modes constant, edge and reflect. Pads (begin values for every axis, then end values; negative ones crop)
/// are the attribute <c>pads</c> with the fill attribute <c>value</c> before opset 11, and constant inputs 1 (pads),
/// 2 (constant_value, optional) and 3 (axes, opset 18) from opset 11.
/// </summary>
internal sealed class PadOp : NodeOp
{
    private readonly string _mode;
    private readonly long[] _pads;
    private readonly long[]? _axes;
    private readonly float _valueAttribute;
    private (int[] Shape, AxisGather Gather)? _plan;

    public PadOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _mode = node.String("mode", "constant");
        if (_mode is not ("constant" or "edge" or "reflect"))
        {
            throw new UnsupportedModelException($"Node '{node.Name}' (Pad, opset {context.Opset}): mode '{_mode}' is not supported (constant, edge, reflect are).");
        }

        if (context.Opset < 11)
        {
            _pads = ConstantInputs.AttributeInts(node, "pads") ?? throw Error("attribute pads is required before opset 11.");
            _valueAttribute = node.Float("value", 0f);
        }
        else
        {
            _pads = ConstantInputs.Ints(node, context, 1, "pads") ?? throw Error("input pads is required from opset 11.");
            _axes = ConstantInputs.Ints(node, context, 3, "axes");
        }
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var gather = Plan(x);
        float fill = Opset < 11 ? _valueAttribute : HasInput(2) ? Scalar(Input(s, 2)) : 0f;
        var y = s.Output(Out[0], gather.OutputShape);
        gather.Forward(x.Data, y.Data, fill);
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is { } dx)
        {
            Plan(Input(s, 0)).AddBackward(OutputGrad(s).Data, dx.Data);
        }
    }

    private float Scalar(Tensor t) =>
        t.Size == 1 ? t.Data[0] : t.Size == 0 ? 0f : throw Error($"constant_value must be a scalar but has shape {t.ShapeText}.");

    private AxisGather Plan(Tensor x)
    {
        if (_plan is { } p && x.HasShape(p.Shape))
        {
            return p.Gather;
        }

        int rank = x.Rank;
        int[] axes = _axes is null ? Enumerable.Range(0, rank).ToArray() : _axes.Select(a => ConstantInputs.Axis(Node, a, rank)).ToArray();
        if (_pads.Length != 2 * axes.Length)
        {
            throw Error($"pads has {_pads.Length} entries but {axes.Length} axes of {x.ShapeText} need {2 * axes.Length}.");
        }

        var maps = new int[rank][];
        for (int d = 0; d < rank; d++)
        {
            int k = Array.IndexOf(axes, d);
            long begin = k < 0 ? 0 : _pads[k], end = k < 0 ? 0 : _pads[k + axes.Length];
            maps[d] = AxisMap(x.Shape[d], begin, end, d);
        }

        var gather = new AxisGather(x.Shape, maps);
        _plan = ((int[])x.Shape.Clone(), gather);
        return gather;
    }

    private int[] AxisMap(int size, long begin, long end, int axis)
    {
        long length = size + begin + end;
        if (length < 0 || length > int.MaxValue)
        {
            throw Error($"pads {begin} and {end} on axis {axis} of size {size} give length {length}.");
        }

        if (_mode != "constant" && size == 0 && length > 0)
        {
            throw Error($"{_mode} padding of axis {axis} needs a non-empty input.");
        }

        if (_mode == "reflect" && (begin >= size || end >= size))
        {
            throw Error($"reflect pads {begin} and {end} on axis {axis} must be smaller than its size {size}.");
        }

        var map = new int[length];
        for (long o = 0; o < length; o++)
        {
            long i = o - begin;
            if (i < 0 || i >= size)
            {
                i = _mode switch
                {
                    "edge" => Math.Clamp(i, 0, size - 1),
                    "reflect" => i < 0 ? -i : 2 * (size - 1) - i,
                    _ => -1,
                };
            }

            map[o] = (int)i;
        }

        return map;
    }
}
