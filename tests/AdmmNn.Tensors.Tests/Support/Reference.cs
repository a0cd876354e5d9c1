namespace AdmmNn.Tensors.Tests.Support;

/// <summary>
/// Straightforward double-precision implementations of the ONNX ops, written independently of the engine
/// (direct loops, no im2col), used as the oracle for forward checks and finite differences.
/// </summary>
public static class Reference
{
    public static DTensor Conv(DTensor x, DTensor w, DTensor? b, int[] strides, int[] pads, int[] dilations, int group)
    {
        int n = x.S[0], c = x.S[1], h = x.S[2], wd = x.S[3];
        int m = w.S[0], cg = w.S[1], kh = w.S[2], kw = w.S[3];
        int oh = (h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1) / strides[0] + 1;
        int ow = (wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1) / strides[1] + 1;
        var y = DTensor.Zeros(n, m, oh, ow);
        int mg = m / group;
        for (int b0 = 0; b0 < n; b0++)
        for (int o = 0; o < m; o++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double s = b?.V[o] ?? 0;
            int g = o / mg;
            for (int ci = 0; ci < cg; ci++)
            for (int p = 0; p < kh; p++)
            for (int q = 0; q < kw; q++)
            {
                int ih = i * strides[0] - pads[0] + p * dilations[0], iw = j * strides[1] - pads[1] + q * dilations[1];
                if (ih >= 0 && ih < h && iw >= 0 && iw < wd)
                {
                    s += x[b0, g * cg + ci, ih, iw] * w[o, ci, p, q];
                }
            }

            y[b0, o, i, j] = s;
        }

        return y;
    }

    /// <summary>Max or average pooling with explicit output size (the caller computes ceil_mode sizes).</summary>
    public static DTensor Pool(DTensor x, bool max, int[] k, int[] strides, int[] pads, int[] dilations, int oh, int ow, bool includePad)
    {
        int n = x.S[0], c = x.S[1], h = x.S[2], w = x.S[3];
        var y = DTensor.Zeros(n, c, oh, ow);
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double best = double.NegativeInfinity, sum = 0;
            int count = 0, padded = 0;
            for (int p = 0; p < k[0]; p++)
            for (int q = 0; q < k[1]; q++)
            {
                int ih = i * strides[0] - pads[0] + p * dilations[0], iw = j * strides[1] - pads[1] + q * dilations[1];
                if (ih < h + pads[2] && iw < w + pads[3])
                {
                    padded++;
                }

                if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                {
                    best = Math.Max(best, x[b, ch, ih, iw]);
                    sum += x[b, ch, ih, iw];
                    count++;
                }
            }

            y[b, ch, i, j] = max ? best : sum / (includePad ? padded : count);
        }

        return y;
    }

    public static DTensor Gemm(DTensor a, DTensor b, DTensor? c, double alpha, double beta, bool transA, bool transB)
    {
        int m = transA ? a.S[1] : a.S[0], k = transA ? a.S[0] : a.S[1], n = transB ? b.S[0] : b.S[1];
        var y = DTensor.Zeros(m, n);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                s += (transA ? a[p, i] : a[i, p]) * (transB ? b[j, p] : b[p, j]);
            }

            double cv = 0;
            if (c is not null)
            {
                // Unidirectional broadcast of C to [m, n].
                int ci = c.S.Length == 2 && c.S[0] > 1 ? i : 0;
                int cj = c.S.Length >= 1 && c.S[^1] > 1 ? j : 0;
                cv = c.S.Length == 2 ? c[ci, cj] : c.S.Length == 1 ? c.V[cj] : c.V[0];
            }

            y[i, j] = alpha * s + beta * cv;
        }

        return y;
    }

    public static DTensor MatMul2D(DTensor a, DTensor b) => Gemm(a, b, null, 1, 0, false, false);

    /// <summary>Elementwise binary op with numpy broadcasting.</summary>
    public static DTensor Binary(DTensor a, DTensor b, Func<double, double, double> f)
    {
        int rank = Math.Max(a.S.Length, b.S.Length);
        int[] sa = Enumerable.Repeat(1, rank - a.S.Length).Concat(a.S).ToArray();
        int[] sb = Enumerable.Repeat(1, rank - b.S.Length).Concat(b.S).ToArray();
        int[] so = sa.Zip(sb, Math.Max).ToArray();
        var y = DTensor.Zeros(so);
        var idx = new int[rank];
        for (int o = 0; o < y.Size; o++)
        {
            int rem = o;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d] = rem % so[d];
                rem /= so[d];
            }

            int ia = 0, ib = 0;
            for (int d = 0; d < rank; d++)
            {
                ia = ia * sa[d] + (sa[d] == 1 ? 0 : idx[d]);
                ib = ib * sb[d] + (sb[d] == 1 ? 0 : idx[d]);
            }

            y.V[o] = f(a.V[ia], b.V[ib]);
        }

        return y;
    }

    public static DTensor Map(DTensor x, Func<double, double> f) => new(x.V.Select(f).ToArray(), (int[])x.S.Clone());

    /// <summary>Softmax or log-softmax over [outer, len, inner] blocks.</summary>
    public static DTensor Softmax(DTensor x, int outer, int len, int inner, bool log)
    {
        var y = x.Copy();
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < len; j++) max = Math.Max(max, x.V[(o * len + j) * inner + i]);
            double sum = 0;
            for (int j = 0; j < len; j++) sum += Math.Exp(x.V[(o * len + j) * inner + i] - max);
            for (int j = 0; j < len; j++)
            {
                double v = x.V[(o * len + j) * inner + i] - max - Math.Log(sum);
                y.V[(o * len + j) * inner + i] = log ? v : Math.Exp(v);
            }
        }

        return y;
    }

    public static DTensor BatchNorm(DTensor x, DTensor scale, DTensor bias, DTensor mean, DTensor var, double eps, bool training)
    {
        int n = x.S[0], c = x.S[1], inner = x.Size / (n * c);
        var y = x.Copy();
        for (int ch = 0; ch < c; ch++)
        {
            double mu = mean.V[ch], v = var.V[ch];
            if (training)
            {
                double s = 0, sq = 0;
                for (int b = 0; b < n; b++) for (int i = 0; i < inner; i++) s += x.V[(b * c + ch) * inner + i];
                mu = s / (n * inner);
                for (int b = 0; b < n; b++) for (int i = 0; i < inner; i++) sq += Math.Pow(x.V[(b * c + ch) * inner + i] - mu, 2);
                v = sq / (n * inner);
            }

            for (int b = 0; b < n; b++)
            for (int i = 0; i < inner; i++)
            {
                int k = (b * c + ch) * inner + i;
                y.V[k] = scale.V[ch] * (x.V[k] - mu) / Math.Sqrt(v + eps) + bias.V[ch];
            }
        }

        return y;
    }

    public static DTensor Transpose(DTensor x, int[] perm)
    {
        int[] so = perm.Select(p => x.S[p]).ToArray();
        var y = DTensor.Zeros(so);
        var idx = new int[so.Length];
        var src = new int[so.Length];
        for (int o = 0; o < y.Size; o++)
        {
            int rem = o;
            for (int d = so.Length - 1; d >= 0; d--) { idx[d] = rem % so[d]; rem /= so[d]; }
            for (int d = 0; d < so.Length; d++) src[perm[d]] = idx[d];
            y.V[o] = x[src];
        }

        return y;
    }

    public static DTensor Concat(DTensor[] xs, int axis)
    {
        int[] so = (int[])xs[0].S.Clone();
        so[axis] = xs.Sum(t => t.S[axis]);
        var y = DTensor.Zeros(so);
        int offset = 0;
        foreach (var t in xs)
        {
            var idx = new int[so.Length];
            for (int e = 0; e < t.Size; e++)
            {
                int rem = e;
                for (int d = so.Length - 1; d >= 0; d--) { idx[d] = rem % t.S[d]; rem /= t.S[d]; }
                idx[axis] += offset;
                y[idx] = t.V[e];
            }

            offset += t.S[axis];
        }

        return y;
    }
}
