using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Kernels;

namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// Gemm or MatMul with a constant weight: Y[rows, out] = op(A)·Wᵀ + bias, dense or sparse. Gemm's alpha is folded into
/// the weights and beta into the bias; a bias that is not a per-column vector or scalar is added by broadcasting.
/// </summary>
internal sealed class LinearOp : Op
{
    private readonly LinearWeights _weights;
    private readonly bool _isGemm, _transA;
    private readonly float[]? _biasRow;
    private readonly Value? _biasFull;
    private readonly int _in, _out;

    private LinearOp(LinearWeights weights, bool isGemm, bool transA, float[]? biasRow, Value? biasFull)
    {
        _weights = weights;
        _isGemm = isGemm;
        _transA = transA;
        _biasRow = biasRow;
        _biasFull = biasFull;
        _in = weights.Inputs;
        _out = weights.Outputs;
    }

    public bool IsSparse => _weights.IsSparse;

    public static LinearOp ForGemm(GraphNode node, TensorData b, TensorData? c, bool? forceSparse)
    {
        if (b.Dims.Length != 2) throw new ShapeException($"Gemm weight must be 2-D, got rank {b.Dims.Length}");
        bool transB = NodeAttributes.Int(node, "transB", 0) != 0, transA = NodeAttributes.Int(node, "transA", 0) != 0;
        float alpha = NodeAttributes.Float(node, "alpha", 1f), beta = NodeAttributes.Float(node, "beta", 1f);
        int rows = (int)b.Dims[0], cols = (int)b.Dims[1];
        var src = b.Floats!;
        // W[out, in]: B is [out, in] when transB, else [in, out].
        var w = transB ? (float[])src.Clone() : Transposed(src, rows, cols);
        int outputs = transB ? rows : cols, inputs = transB ? cols : rows;
        if (alpha != 1f) for (int i = 0; i < w.Length; i++) w[i] *= alpha;
        var weights = LinearWeights.Create(w, outputs, inputs, forRows: true, forceSparse);
        float[]? biasRow = null;
        Value? biasFull = null;
        if (c is not null)
        {
            var cv = c.Floats!.Select(v => beta * v).ToArray();
            if (cv.Length == 1) biasRow = Enumerable.Repeat(cv[0], outputs).ToArray();
            else if (cv.Length == outputs && (c.Dims.Length == 1 || (c.Dims.Length == 2 && c.Dims[0] == 1))) biasRow = cv;
            else biasFull = new Value(cv, c.Dims.Select(d => (int)d).ToArray());
        }
        return new LinearOp(weights, isGemm: true, transA, biasRow, biasFull);
    }

    public static LinearOp ForMatMul(TensorData b, bool? forceSparse)
    {
        int k = (int)b.Dims[0], n = (int)b.Dims[1];
        var weights = LinearWeights.Create(Transposed(b.Floats!, k, n), n, k, forRows: true, forceSparse);
        return new LinearOp(weights, isGemm: false, transA: false, null, null);
    }

    private static float[] Transposed(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        LinearWeights.TransposeInto(m, rows, cols, t);
        return t;
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        var a = inputs[0]!;
        int[] result;
        if (_isGemm)
        {
            if (a.Length != 2) throw new ShapeException($"Gemm input must be 2-D, got {Shapes.Format(a)}");
            int k = _transA ? a[0] : a[1], m = _transA ? a[1] : a[0];
            if (k != _in) throw new ShapeException($"input has {k} features, weight expects {_in}");
            result = [m, _out];
            if (_biasFull is not null && !Shapes.Broadcast(result, _biasFull.Shape).SequenceEqual(result))
                throw new ShapeException($"bias {Shapes.Format(_biasFull.Shape)} does not broadcast to {Shapes.Format(result)}");
        }
        else
        {
            if (a.Length < 1 || a[^1] != _in) throw new ShapeException($"MatMul input {Shapes.Format(a)} does not end in {_in}");
            result = a.Length == 1 ? [_out] : [.. a[..^1], _out];
        }
        return [result];
    }

    public override long Work(int[]?[] inputs)
    {
        var a = inputs[0]!;
        long rows = Shapes.Size(a) / Math.Max(1, _in);
        return rows * (_weights.NonZeros + _out);
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var a = inputs[0]!;
        var y = outputs[0];
        int rows = a.Length / Math.Max(1, _in);
        ReadOnlySpan<float> x = a.Span;
        float[]? transposed = null;
        if (_transA)
        {
            transposed = System.Buffers.ArrayPool<float>.Shared.Rent(a.Length);
            LinearWeights.TransposeInto(a.Span, a.Shape[0], a.Shape[1], transposed);
            x = transposed.AsSpan(0, a.Length);
        }
        try
        {
            _weights.MultiplyRows(x, rows, y.Span);
        }
        finally
        {
            if (transposed is not null) System.Buffers.ArrayPool<float>.Shared.Return(transposed);
        }
        if (_biasRow is not null)
        {
            for (int r = 0; r < rows; r++)
            {
                var row = y.Data.AsSpan(r * _out, _out);
                for (int j = 0; j < _out; j++) row[j] += _biasRow[j];
            }
        }
        else if (_biasFull is not null)
        {
            BinaryOp.Apply(BinaryOp.Kind.Add, y, _biasFull, y);
        }
    }
}
