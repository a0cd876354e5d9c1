using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// ONNX Dropout: identity in inference; in training zeroes each element with probability ratio and scales the rest
/// by 1/(1 − ratio). The ratio comes from the attribute (opset &lt; 12) or the constant second input (opset ≥ 12).
/// </summary>
internal sealed class DropoutOp : NodeOp
{
    private readonly float _ratio;
    private float[] _mask = [];
    private bool _masked;

    public DropoutOp(GraphNode node, OpCompileContext context) : base(node, context)
    {
        _ratio = node.Float("ratio", 0.5f);
        if (context.Opset >= 12 && node.Inputs.Count > 1 && node.Inputs[1].Length > 0)
        {
            var ratio = context.Constant(node.Inputs[1])
                ?? throw new UnsupportedModelException($"Node '{node.Name}' (Dropout, opset {context.Opset}): the ratio input must be a constant.");
            _ratio = ratio.Floats is { Length: > 0 } f ? f[0] : ratio.Int64s is { Length: > 0 } l ? l[0] : 0.5f;
        }

        if (_ratio is < 0f or >= 1f)
        {
            throw Error($"ratio must be in [0, 1) but is {_ratio}.");
        }
    }

    public override bool IsDifferentiableInput(int index) => index == 0;

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var y = s.Output(Out[0], x.Shape);
        _masked = s.Training && _ratio > 0f;
        if (!_masked)
        {
            x.AsSpan().CopyTo(y.AsSpan());
        }
        else
        {
            if (_mask.Length != x.Size)
            {
                _mask = new float[x.Size];
            }

            float keep = 1f / (1f - _ratio);
            var rng = s.DropoutRandom;
            for (int i = 0; i < x.Size; i++)
            {
                _mask[i] = rng.NextSingle() >= _ratio ? keep : 0f;
                y.Data[i] = x.Data[i] * _mask[i];
            }
        }

        if (Out.Length > 1 && Out[1] >= 0)
        {
            var m = s.Output(Out[1], x.Shape);
            for (int i = 0; i < x.Size; i++)
            {
                m.Data[i] = !_masked || _mask[i] != 0f ? 1f : 0f;
            }
        }
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var dy = OutputGrad(s).Data;
        for (int i = 0; i < dx.Size; i++)
        {
            dx.Data[i] += _masked ? dy[i] * _mask[i] : dy[i];
        }
    }
}
