using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Constant (value, value_float(s), value_int(s)); produces a float tensor.</summary>
internal sealed class ConstantOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly Tensor _value = ToTensor(Read(node, context.Opset));

    public override bool IsDifferentiableInput(int index) => false;

    public override void Forward(ExecutionState s) => s.Values[Out[0]] = _value;

    /// <summary>The constant's value as ONNX data.</summary>
    public static TensorData Read(GraphNode node, int opset)
    {
        var a = node.Attributes.FirstOrDefault()
            ?? throw new InvalidModelException($"Node '{node.Name}' (Constant): no value attribute.");
        return a.Name switch
        {
            "value" when a.Tensor is not null => a.Tensor,
            "value_float" => TensorData.FromFloats(node.Outputs[0], [], [a.Float]),
            "value_floats" => TensorData.FromFloats(node.Outputs[0], [a.Floats!.Length], a.Floats),
            "value_int" => TensorData.FromInt64s(node.Outputs[0], [], [a.Int]),
            "value_ints" => TensorData.FromInt64s(node.Outputs[0], [a.Ints!.Length], a.Ints),
            _ => throw new UnsupportedModelException($"Node '{node.Name}' (Constant, opset {opset}): attribute '{a.Name}' is not supported."),
        };
    }

    /// <summary>Converts ONNX data to a float tensor (integers are converted).</summary>
    public static Tensor ToTensor(TensorData data)
    {
        var shape = data.Dims.Select(d => checked((int)d)).ToArray();
        float[] values = data.Floats is { } f ? (float[])f.Clone() : (data.Int64s ?? []).Select(v => (float)v).ToArray();
        return new Tensor(values, shape);
    }
}
