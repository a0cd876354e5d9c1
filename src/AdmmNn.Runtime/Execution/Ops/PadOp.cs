namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// Pad with mode constant, edge or reflect; <paramref name="pads"/> lists begins then ends for <paramref name="axes"/>
/// (all axes when null); negative pads crop. The fill is input 2 when present (opset ≥ 11), else <paramref name="value"/>.
/// </summary>
internal sealed class PadOp(string mode, long[] pads, long[]? axes, float value) : Op
{
    private int[][] Maps(int[] shape)
    {
        int rank = shape.Length;
        var list = axes is null ? Enumerable.Range(0, rank).ToArray()
            : axes.Select(a => Shapes.Axis((int)Math.Clamp(a, int.MinValue, int.MaxValue), rank, "axis")).ToArray();
        if (pads.Length != 2 * list.Length) throw new ShapeException($"pads has {pads.Length} entries; {Shapes.Format(shape)} needs {2 * list.Length}");
        var maps = new int[rank][];
        for (int d = 0; d < rank; d++)
        {
            int k = Array.IndexOf(list, d);
            long begin = k < 0 ? 0 : pads[k], end = k < 0 ? 0 : pads[k + list.Length], size = shape[d], length = size + begin + end;
            if (length < 0 || length > int.MaxValue) throw new ShapeException($"pads {begin} and {end} on axis {d} of size {size} give length {length}");
            if (mode != "constant" && size == 0 && length > 0) throw new ShapeException($"{mode} padding of axis {d} needs a non-empty input");
            if (mode == "reflect" && (begin >= size || end >= size)) throw new ShapeException($"reflect pads {begin} and {end} on axis {d} must be smaller than its size {size}");
            var map = new int[length];
            for (long o = 0; o < length; o++)
            {
                long i = o - begin;
                if (i < 0 || i >= size) i = mode switch { "edge" => Math.Clamp(i, 0, size - 1), "reflect" => i < 0 ? -i : 2 * (size - 1) - i, _ => -1 };
                map[o] = (int)i;
            }
            maps[d] = map;
        }
        return maps;
    }

    public override int[][] InferShapes(int[]?[] inputs)
    {
        if (inputs.Length > 2 && inputs[2] is { } c && Shapes.Size(c) > 1) throw new ShapeException($"constant_value must be a scalar, got {Shapes.Format(c)}");
        return [Maps(inputs[0]!).Select(m => m.Length).ToArray()];
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        float fill = inputs.Length > 2 && inputs[2] is { Length: 1 } c ? c.Span[0] : value;
        AxisGather.Run(inputs[0]!, Maps(inputs[0]!.Shape), outputs[0].Span, fill);
    }
}
