using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Transpose (perm defaults to reversing the axes).</summary>
internal sealed class TransposeOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly int[]? _perm = node.Ints("perm");

    public override void Forward(ExecutionState s)
    {
        var x = Input(s, 0);
        var (shape, strides) = Plan(x.Shape);
        var y = s.Output(Out[0], shape);
        Walk(shape, strides, (o, i) => y.Data[o] = x.Data[i]);
    }

    public override void Backward(ExecutionState s)
    {
        if (InputGrad(s, 0) is not { } dx)
        {
            return;
        }

        var x = Input(s, 0);
        var (shape, strides) = Plan(x.Shape);
        var dy = OutputGrad(s).Data;
        Walk(shape, strides, (o, i) => dx.Data[i] += dy[o]);
    }

    /// <summary>Output shape and, per output axis, the input stride it walks.</summary>
    private (int[] Shape, int[] Strides) Plan(int[] input)
    {
        int rank = input.Length;
        int[] perm = _perm ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(p => p < 0 || p >= rank))
        {
            throw Error($"perm [{string.Join(",", perm)}] is not a permutation of the {rank} axes of {Tensor.ShapeToText(input)}.");
        }

        var inStrides = new int[rank];
        for (int i = rank - 1, acc = 1; i >= 0; acc *= input[i], i--)
        {
            inStrides[i] = acc;
        }

        return (perm.Select(p => input[p]).ToArray(), perm.Select(p => inStrides[p]).ToArray());
    }

    private static void Walk(int[] shape, int[] strides, Action<int, int> visit)
    {
        int total = Tensor.SizeOf(shape), rank = shape.Length;
        var index = new int[rank];
        int inOffset = 0;
        for (int o = 0; o < total; o++)
        {
            visit(o, inOffset);
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                inOffset += strides[d];
                if (index[d] < shape[d])
                {
                    break;
                }

                inOffset -= strides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
