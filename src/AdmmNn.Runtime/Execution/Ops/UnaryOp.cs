using System.Numerics;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Elementwise activations and pass-throughs: Relu, LeakyRelu, Sigmoid, Tanh, Identity, Dropout (inference).</summary>
internal sealed class UnaryOp(UnaryOp.Kind kind, float alpha = 0.01f) : Op
{
    public enum Kind { Relu, LeakyRelu, Sigmoid, Tanh, Identity }

    public override int[][] InferShapes(int[]?[] inputs) => Outputs.Select(_ => inputs[0]!).ToArray();

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!.Span;
        var y = outputs[0].Span;
        switch (kind)
        {
            case Kind.Relu:
                int i = 0, width = Vector<float>.Count;
                for (; i + width <= x.Length; i += width) Vector.Max(new Vector<float>(x.Slice(i)), Vector<float>.Zero).CopyTo(y.Slice(i));
                for (; i < x.Length; i++) y[i] = x[i] > 0f ? x[i] : 0f;
                break;
            case Kind.LeakyRelu:
                for (int j = 0; j < x.Length; j++) y[j] = x[j] >= 0f ? x[j] : alpha * x[j];
                break;
            case Kind.Sigmoid:
                for (int j = 0; j < x.Length; j++) y[j] = 1f / (1f + MathF.Exp(-x[j]));
                break;
            case Kind.Tanh:
                for (int j = 0; j < x.Length; j++) y[j] = MathF.Tanh(x[j]);
                break;
            default:
                x.CopyTo(y);
                break;
        }
        // Dropout's optional mask output: all kept at inference.
        for (int k = 1; k < outputs.Length; k++) outputs[k].Span.Fill(1f);
    }
}
