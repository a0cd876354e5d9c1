using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>The vectorized 2×2/2 max pool against the plain definition, including ties (first maximum wins).</summary>
public sealed class MaxPool2x2Tests
{
    [Theory]
    [InlineData(1, 2, 2)]
    [InlineData(3, 24, 24)]
    [InlineData(7, 8, 8)]
    [InlineData(2, 6, 40)]
    [InlineData(5, 10, 70)]
    [InlineData(130, 24, 24)]
    public void Matches_the_definition_with_first_maximum_on_ties(int planes, int inH, int inW)
    {
        var rng = new Random(planes * 100 + inW);
        // Few distinct values, so ties are common and the tie rule is exercised.
        float[] x = Enumerable.Range(0, planes * inH * inW).Select(_ => (float)rng.Next(4)).ToArray();
        int outH = inH / 2, outW = inW / 2, size = planes * outH * outW;
        float[] y = new float[size];
        int[] argmax = new int[size];

        MaxPool2x2.Forward(x, planes, inH, inW, y, argmax);

        for (int p = 0; p < planes; p++)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                for (int ow = 0; ow < outW; ow++)
                {
                    int best = -1;
                    float value = float.NegativeInfinity;
                    foreach (int index in new[] { 2 * oh * inW + 2 * ow, 2 * oh * inW + 2 * ow + 1, (2 * oh + 1) * inW + 2 * ow, (2 * oh + 1) * inW + 2 * ow + 1 })
                    {
                        if (x[p * inH * inW + index] > value)
                        {
                            value = x[p * inH * inW + index];
                            best = index;
                        }
                    }

                    int o = (p * outH + oh) * outW + ow;
                    Assert.True(value == y[o] && best == argmax[o], $"plane {p} ({oh},{ow}): got {y[o]}@{argmax[o]}, expected {value}@{best}");
                }
            }
        }
    }

    [Fact]
    public void Odd_sizes_are_refused_clearly()
    {
        Assert.False(MaxPool2x2.Applies(5, 4));
        var ex = Assert.Throws<ArgumentException>(() => MaxPool2x2.Forward(new float[20], 1, 5, 4, new float[4], new int[4]));
        Assert.Contains("5×4", ex.Message);
    }
}
