using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>
/// The stride-phase split against its definition (phase (a, b) at (i, j) is padded pixel (i·sh + a, j·sw + b), zero in
/// the padding) on random shapes: strides 1–3, asymmetric padding, dilation, planes from 1 to 70 wide (several
/// sixteen-column chunks), the plane inside a larger array whose other values are NaN (they must not be read), and a
/// destination full of NaN (every phase value must be written).
/// </summary>
public sealed class StridePhasesTests
{
    [Fact]
    public void Split_matches_the_padded_plane_on_random_shapes()
    {
        var r = new Random(20261205);
        for (int trial = 0; trial < 400; trial++)
        {
            int kh = r.Next(1, 6), kw = r.Next(1, 6), sh = r.Next(1, 4), sw = r.Next(1, 4), dh = r.Next(1, 3), dw = r.Next(1, 3);
            int h = r.Next(1, 40), w = trial % 4 == 0 ? r.Next(40, 71) : r.Next(1, 30);
            int pt = r.Next(0, kh), pl = r.Next(0, kw), pb = r.Next(0, kh), pr = r.Next(0, kw);
            int outH = (h + pt + pb - dh * (kh - 1) - 1) / sh + 1, outW = (w + pl + pr - dw * (kw - 1) - 1) / sw + 1;
            if (outH <= 0 || outW <= 0)
            {
                continue;
            }

            var g = new ConvShape(h, w, outH, outW, kh, kw, sh, sw, pt, pl, dh, dw);
            var (phaseRows, phaseWidth) = DepthwiseConv.PhaseExtent(g);
            int before = r.Next(0, 20);
            var x = new float[before + h * w + r.Next(0, 20)];
            Array.Fill(x, float.NaN);
            for (int i = 0; i < h * w; i++)
            {
                x[before + i] = (float)(r.NextDouble() * 2 - 1);
            }

            int phaseSize = phaseRows * phaseWidth;
            var phases = new float[sh * sw * phaseSize + 5];
            Array.Fill(phases, float.NaN);
            StridePhases.Split(x.AsSpan(before, h * w), g, phases.AsSpan(0, sh * sw * phaseSize), phaseRows, phaseWidth);
            for (int a = 0; a < sh; a++)
            {
                for (int b = 0; b < sw; b++)
                {
                    for (int i = 0; i < phaseRows; i++)
                    {
                        for (int j = 0; j < phaseWidth; j++)
                        {
                            int ih = i * sh + a - pt, iw = j * sw + b - pl;
                            float expected = ih >= 0 && ih < h && iw >= 0 && iw < w ? x[before + ih * w + iw] : 0f;
                            float actual = phases[(a * sw + b) * phaseSize + i * phaseWidth + j];
                            Assert.True(expected.Equals(actual),
                                $"trial {trial}: {h}x{w} k{kh}x{kw} s{sh}x{sw} pad {pt},{pl} phase ({a},{b}) at ({i},{j}): {actual}, expected {expected}");
                        }
                    }
                }
            }

            Assert.True(phases.AsSpan(sh * sw * phaseSize).ToArray().All(float.IsNaN), $"trial {trial}: wrote past the phases");
        }
    }
}
