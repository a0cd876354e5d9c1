using System.Numerics.Tensors;
using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Add, Sub, Mul, Div with multidirectional broadcasting (opset ≥ 7 semantics).</summary>
internal sealed class BinaryOp(GraphNode node, OpCompileContext context) : NodeOp(node, context)
{
    private readonly char _op = node.OpType switch
    {
        "Add" => '+',
        "Sub" => '-',
        "Mul" => '*',
        "Div" => '/',
        _ => throw new ArgumentException(node.OpType),
    };

    private Broadcast? _broadcast;
    private int[]? _shapeA, _shapeB;

    public override void Forward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var bc = Plan(a, b);
        var y = s.Output(Out[0], bc.Shape);
        float[] ad = a.Data, bd = b.Data, yd = y.Data;
        if (a.Size == y.Size && b.Size == y.Size)
        {
            Same(ad, bd, yd);
            return;
        }

        if (b.Size == 1 && a.Size == y.Size)
        {
            float v = bd[0];
            switch (_op)
            {
                case '+': TensorPrimitives.Add(ad, v, yd); break;
                case '-': TensorPrimitives.Subtract(ad, v, yd); break;
                case '*': TensorPrimitives.Multiply(ad, v, yd); break;
                default: TensorPrimitives.Divide(ad, v, yd); break;
            }

            return;
        }

        char op = _op;
        bc.ForEachRow((oa, ob, oy, len, sa, sb) =>
        {
            if (sa == 1 && sb == 1)
            {
                Same(ad.AsSpan(oa, len), bd.AsSpan(ob, len), yd.AsSpan(oy, len));
                return;
            }

            for (int i = 0; i < len; i++)
            {
                float x = ad[oa + i * sa], z = bd[ob + i * sb];
                yd[oy + i] = op switch { '+' => x + z, '-' => x - z, '*' => x * z, _ => x / z };
            }
        });
    }

    public override void Backward(ExecutionState s)
    {
        var a = Input(s, 0);
        var b = Input(s, 1);
        var bc = Plan(a, b);
        var dy = OutputGrad(s).Data;
        var da = InputGrad(s, 0)?.Data;
        var db = InputGrad(s, 1)?.Data;
        float[] ad = a.Data, bd = b.Data;
        char op = _op;
        if (a.Size == b.Size && a.Size == dy.Length && (op == '+' || op == '-'))
        {
            if (da is not null)
            {
                TensorPrimitives.Add(da, dy, da);
            }

            if (db is not null)
            {
                if (op == '+')
                {
                    TensorPrimitives.Add(db, dy, db);
                }
                else
                {
                    TensorPrimitives.Subtract(db, dy, db);
                }
            }

            return;
        }

        bc.ForEachRow((oa, ob, oy, len, sa, sb) =>
        {
            for (int i = 0; i < len; i++)
            {
                int ia = oa + i * sa, ib = ob + i * sb;
                float g = dy[oy + i];
                switch (op)
                {
                    case '+':
                        if (da is not null) da[ia] += g;
                        if (db is not null) db[ib] += g;
                        break;
                    case '-':
                        if (da is not null) da[ia] += g;
                        if (db is not null) db[ib] -= g;
                        break;
                    case '*':
                        if (da is not null) da[ia] += g * bd[ib];
                        if (db is not null) db[ib] += g * ad[ia];
                        break;
                    default:
                        float inv = 1f / bd[ib];
                        if (da is not null) da[ia] += g * inv;
                        if (db is not null) db[ib] -= g * ad[ia] * inv * inv;
                        break;
                }
            }
        });
    }

    private void Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (_op)
        {
            case '+': TensorPrimitives.Add(a, b, y); break;
            case '-': TensorPrimitives.Subtract(a, b, y); break;
            case '*': TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private Broadcast Plan(Tensor a, Tensor b)
    {
        if (_broadcast is null || !a.HasShape(_shapeA) || !b.HasShape(_shapeB))
        {
            _broadcast = Broadcast.Of(a.Shape, b.Shape) ?? throw Error($"shapes {a.ShapeText} and {b.ShapeText} do not broadcast.");
            _shapeA = (int[])a.Shape.Clone();
            _shapeB = (int[])b.Shape.Clone();
        }

        return _broadcast;
    }
}
