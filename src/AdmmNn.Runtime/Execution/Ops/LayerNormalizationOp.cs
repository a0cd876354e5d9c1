namespace AdmmNn.Runtime.Execution.Ops;

/// <summary>
/// LayerNormalization (opset 17): rows over the axes from <c>axis</c> on, normalized (statistics in double), times
/// Scale plus the optional B (both broadcast to those axes); optional Mean and InvStdDev outputs.
/// </summary>
internal sealed class LayerNormalizationOp(int axis, float epsilon) : Op
{
    public override int[][] InferShapes(int[]?[] inputs)
    {
        var x = inputs[0]!;
        int a = Shapes.Axis(axis, x.Length, "axis");
        var normalized = x[a..];
        for (int i = 1; i < inputs.Length; i++)
            if (inputs[i] is { } t && (t.Length > normalized.Length || Enumerable.Range(0, t.Length).Any(k => t[k] != 1 && t[k] != normalized[normalized.Length - t.Length + k])))
                throw new ShapeException($"{(i == 1 ? "Scale" : "B")} {Shapes.Format(t)} does not broadcast to {Shapes.Format(normalized)}");
        var stat = x.Select((d, i) => i < a ? d : 1).ToArray();
        return Outputs.Select((_, k) => k == 0 ? x : stat).ToArray();
    }

    private static int[] Index(int[] t, int[] normalized)
    {
        int rank = normalized.Length;
        var index = new int[Shapes.Size(normalized)];
        for (int j = 0; j < index.Length; j++)
        {
            int rest = j, offset = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--)
            {
                int c = rest % normalized[d];
                rest /= normalized[d];
                int td = d - (rank - t.Length);
                if (td < 0) continue;
                offset += (t[td] == 1 ? 0 : c) * stride;
                stride *= t[td];
            }
            index[j] = offset;
        }
        return index;
    }

    public override void Execute(Value?[] inputs, Value[] outputs)
    {
        var x = inputs[0]!;
        int a = Shapes.Axis(axis, x.Shape.Length, "axis");
        var normalized = x.Shape[a..];
        int inner = Shapes.Size(normalized), rows = inner == 0 ? 0 : x.Length / inner;
        var scale = inputs[1]!;
        var bias = inputs.Length > 2 ? inputs[2] : null;
        var si = Index(scale.Shape, normalized);
        var bi = bias is null ? null : Index(bias.Shape, normalized);
        var xs = x.Span;
        var y = outputs[0].Span;
        for (int r = 0; r < rows; r++)
        {
            var row = xs.Slice(r * inner, inner);
            double sum = 0, squares = 0;
            foreach (var v in row) sum += v;
            double mean = sum / inner;
            foreach (var v in row) squares += (v - mean) * (v - mean);
            double inv = 1 / Math.Sqrt(squares / inner + epsilon);
            for (int j = 0; j < inner; j++)
            {
                double v = (row[j] - mean) * inv * scale.Data[si[j]];
                y[r * inner + j] = (float)(bi is null ? v : v + bias!.Data[bi[j]]);
            }
            if (outputs.Length > 1) outputs[1].Data[r] = (float)mean;
            if (outputs.Length > 2) outputs[2].Data[r] = (float)inv;
        }
    }
}
