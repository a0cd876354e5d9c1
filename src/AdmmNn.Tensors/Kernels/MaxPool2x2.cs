using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AdmmNn.Tensors.Kernels;

/// <summary>
/// Vectorized, branch-free 2×2 max pooling with stride 2 and no padding over whole planes of even height and width
/// (LeNet's pools). Per-element compare-and-branch code mispredicts about half its compares on real activations; here
/// both steps are vector compares and selects.
/// </summary>
/// <remarks>
/// Step 1 takes the maximum of each horizontal pair, step 2 of each vertical pair of those. The winner is the first
/// maximum in the order (r0,c0), (r0,c1), (r1,c0), (r1,c1) (strict greater-than), the same rule as the scalar loop,
/// and its index is stored relative to its plane.
/// </remarks>
internal static unsafe class MaxPool2x2
{
    /// <summary>Input floats handled per chunk (bounds the stack scratch: half as many floats and ints).</summary>
    private const int ChunkInputs = 4096;

    /// <summary>Whether <see cref="Forward"/> handles this plane size.</summary>
    public static bool Applies(int inH, int inW) => inH >= 2 && inW >= 2 && inH % 2 == 0 && inW % 2 == 0 && 2 * inW <= ChunkInputs;

    /// <summary>
    /// Pools <paramref name="planes"/> contiguous planes of <paramref name="inH"/>×<paramref name="inW"/> into
    /// (inH/2)×(inW/2) planes; <paramref name="argmax"/> receives each output's winning input index within its plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Forward(ReadOnlySpan<float> x, int planes, int inH, int inW, Span<float> y, Span<int> argmax)
    {
        if (!Applies(inH, inW))
        {
            throw new ArgumentException($"MaxPool2x2: planes of {inH}×{inW} are not even-sized (or too wide).");
        }

        int outH = inH / 2, outW = inW / 2, planeSize = inH * inW;
        long outRows = (long)planes * outH;
        if (outRows == 0)
        {
            return;
        }

        if (x.Length < planes * planeSize || y.Length < outRows * outW || argmax.Length < outRows * outW)
        {
            throw new ArgumentException("MaxPool2x2: buffers are smaller than the planes.");
        }

        int rowsPerChunk = (int)Math.Min(outRows, Math.Max(1, ChunkInputs / (2 * inW)));
        float* pairMax = stackalloc float[rowsPerChunk * inW];
        int* pairArg = stackalloc int[rowsPerChunk * inW];
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
        {
            for (long q0 = 0; q0 < outRows; q0 += rowsPerChunk)
            {
                int rows = (int)Math.Min(rowsPerChunk, outRows - q0);
                long inputStart = q0 * 2 * inW;
                HorizontalPairs(px + inputStart, rows * 2 * inW, pairMax, pairArg);
                for (int r = 0; r < rows; r++)
                {
                    long q = q0 + r;
                    long plane = q / outH;

                    // Local pair indices count from the chunk start; shift them to the plane's origin.
                    int shift = (int)(inputStart - plane * planeSize);
                    VerticalPairs(pairMax + 2 * r * outW, pairArg + 2 * r * outW, outW, shift, py + q * outW, pa + q * outW);
                }
            }
        }
    }

    /// <summary>m[k] = first max of (x[2k], x[2k+1]); a[k] = its index (2k or 2k+1).</summary>
    private static void HorizontalPairs(float* x, int length, float* m, int* a)
    {
        int k = 0, pairs = length / 2;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<int> evenThenOdd = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
            Vector512<int> lane2 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; k <= pairs - 16; k += 16)
            {
                Vector512<float> lo = Vector512.Shuffle(Vector512.Load(x + 2 * k), evenThenOdd);
                Vector512<float> hi = Vector512.Shuffle(Vector512.Load(x + 2 * k + 16), evenThenOdd);
                Vector512<float> even = Vector512.Create(lo.GetLower(), hi.GetLower());
                Vector512<float> odd = Vector512.Create(lo.GetUpper(), hi.GetUpper());
                Vector512<float> oddWins = Vector512.GreaterThan(odd, even);
                Vector512.ConditionalSelect(oddWins, odd, even).Store(m + k);
                Vector512<int> index = Vector512.Create(2 * k) + lane2;
                (index - oddWins.AsInt32()).Store(a + k); // a true mask lane is -1: index + 1
            }
        }

        for (; k < pairs; k++)
        {
            float e = x[2 * k], o = x[2 * k + 1];
            bool oddWins = o > e;
            m[k] = oddWins ? o : e;
            a[k] = 2 * k + (oddWins ? 1 : 0);
        }
    }

    /// <summary>Row of outputs from a top and a bottom row of pair maxima (bottom wins only when strictly greater).</summary>
    private static void VerticalPairs(float* pairs, int* pairIndex, int outW, int shift, float* y, int* argmax)
    {
        float* top = pairs;
        float* bottom = pairs + outW;
        int* topIndex = pairIndex;
        int* bottomIndex = pairIndex + outW;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= outW - 16; j += 16)
            {
                Vector512<float> t = Vector512.Load(top + j), b = Vector512.Load(bottom + j);
                Vector512<float> bottomWins = Vector512.GreaterThan(b, t);
                Vector512.ConditionalSelect(bottomWins, b, t).Store(y + j);
                Vector512<int> index = Vector512.ConditionalSelect(bottomWins.AsInt32(), Vector512.Load(bottomIndex + j), Vector512.Load(topIndex + j));
                (index + Vector512.Create(shift)).Store(argmax + j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= outW - 8; j += 8)
            {
                Vector256<float> t = Vector256.Load(top + j), b = Vector256.Load(bottom + j);
                Vector256<float> bottomWins = Vector256.GreaterThan(b, t);
                Vector256.ConditionalSelect(bottomWins, b, t).Store(y + j);
                Vector256<int> index = Vector256.ConditionalSelect(bottomWins.AsInt32(), Vector256.Load(bottomIndex + j), Vector256.Load(topIndex + j));
                (index + Vector256.Create(shift)).Store(argmax + j);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= outW - 4; j += 4)
            {
                Vector128<float> t = Vector128.Load(top + j), b = Vector128.Load(bottom + j);
                Vector128<float> bottomWins = Vector128.GreaterThan(b, t);
                Vector128.ConditionalSelect(bottomWins, b, t).Store(y + j);
                Vector128<int> index = Vector128.ConditionalSelect(bottomWins.AsInt32(), Vector128.Load(bottomIndex + j), Vector128.Load(topIndex + j));
                (index + Vector128.Create(shift)).Store(argmax + j);
            }
        }

        for (; j < outW; j++)
        {
            bool bottomWins = bottom[j] > top[j];
            y[j] = bottomWins ? bottom[j] : top[j];
            argmax[j] = (bottomWins ? bottomIndex[j] : topIndex[j]) + shift;
        }
    }
}
