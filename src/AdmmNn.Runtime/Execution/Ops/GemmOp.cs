using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>Gemm whose B is computed at run time: Y = alpha·op(A)·op(B) + beta·C.</summary>
internal sealed class GemmOp(GraphNode node) : Op
{
    private readonly bool _transA = NodeAttributes.Int(node, "transA", 0) != 0;
    private readonly bool _transB = NodeAttributes.Int(node, "transB", 0) != 0;
    private readonly float _alpha = NodeAttributes.Float(node, "alpha", 1f);
    private readonly float _beta = NodeAttributes.Float(node, "beta", 1f);

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var a = inputs[0]!;
        var b = inputs[1]!;
        if (a.Length != 2 || b.Length != 2) throw new ShapeException("Gemm inputs must be 2-D");
        int m = _transA ? a[1] : a[0], k = _transA ? a[0] : a[1], kb = _transB ? b[1] : b[0], n = _transB ? b[0] : b[1];
        if (k != kb) throw new ShapeException($"Gemm {Shapes.Format(a)} x {Shapes.Format(b)}: inner dimensions differ");
        int[] y = [m, n];
        if (inputs.Length > 2 && inputs[2] is { } c && !Shapes.Broadcast(y, c).SequenceEqual(y))
            throw new ShapeException($"C {Shapes.Format(c)} does not broadcast to {Shapes.Format(y)}");
        return [y];
    }

    public override long Work(int[]?[] inputs)
    {
        var y = InferShapes(inputs)[0];
        var a = inputs[0]!;
        return (long)y[0] * y[1] * (_transA ? a[0] : a[1]);
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var a = inputs[0]!;
        var b = inputs[1]!;
        var y = outputs[0];
        int m = y.Shape[0], n = y.Shape[1], k = _transA ? a.Shape[0] : a.Shape[1];
        var at = _transA ? Transposed(a) : a.Data;
        var bt = _transB ? Transposed(b) : b.Data;
        DenseGemm.Multiply(m, n, k, at, k, bt, n, y.Span, n, accumulate: false);
        if (_alpha != 1f) { var s = y.Span; for (int i = 0; i < s.Length; i++) s[i] *= _alpha; }
        if (inputs.Length > 2 && inputs[2] is { } c)
        {
            var scaled = c;
            if (_beta != 1f) scaled = new Value(c.Span.ToArray().Select(v => v * _beta).ToArray(), c.Shape);
            BinaryOp.Apply(BinaryOp.Kind.Add, y, scaled, y);
        }
    }

    private static float[] Transposed(Value v)
    {
        var t = new float[v.Length];
        LinearWeights.TransposeInto(v.Span, v.Shape[0], v.Shape[1], t);
        return t;
    }
}
