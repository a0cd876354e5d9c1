using System.Numerics;

namespace AdmmNn.Runtime.Format;

/// <summary>
/// Exact storage accounting for float tensors: finds the encoding that stores a tensor in the fewest bits
/// without changing any value, and reports its cost. The packed writer stores exactly these bits, so the
/// payload of a <c>.admmnn</c> file is the sum of the plans' <see cref="TensorStoragePlan.PayloadBytes"/>.
/// </summary>
/// <remarks>
/// Candidates (ties keep the first in this order):
/// <list type="number">
/// <item>Dense: 32 bits per element.</item>
/// <item>Quantized: when the tensor has at most 2^16 distinct values, a k-bit code per element with k = ceil(log2 d) and a
/// codebook of the d distinct values (32 bits each), or, when every value is exactly <c>scale * q</c> for one float scale
/// and integers q, a b-bit two's-complement q per element and 32 bits for the scale.</item>
/// <item>Sparse: per nonzero a 32-bit value and a relative index of w bits (the number of zeros skipped since the previous
/// entry); a gap of g zeros needs floor(g / 2^w) zero-valued filler entries. w is chosen to minimise the total.</item>
/// <item>Sparse + quantized: as sparse, with codes instead of floats; zero is implicit, and is added as a level only when
/// fillers need it.</item>
/// <item>Sparse and sparse + quantized with Golomb–Rice coded relative indices: a gap of g zeros takes
/// floor(g / 2^k) one-bits, a zero bit and the low k bits of g, with no fillers; k is chosen to minimise the total.
/// Pruned layers have a few long gaps among many short ones (whole rows or input channels pruned away), where one fixed
/// width pays for the longest gaps on every entry or in fillers; a Rice code pays for a long gap only in that gap.</item>
/// </list>
/// Zeros after the last entry are not stored (the shape gives the count). Both +0 and -0 count as zero.
/// </remarks>
public static class StorageAccounting
{
    /// <summary>Largest code width considered for quantized encodings (so at most 65,536 levels).</summary>
    public const int MaxCodeBits = 16;

    /// <summary>Largest relative-index width considered.</summary>
    public const int MaxIndexBits = 31;

    private const int MaxScaleDivisor = 4096;

    /// <summary>Plans the cheapest exact storage of <paramref name="weights"/> with the given shape.</summary>
    /// <exception cref="ArgumentException">The shape's element count differs from the number of weights, or a dimension is negative.</exception>
    public static TensorStoragePlan Plan(ReadOnlySpan<float> weights, int[] shape) => Choose(weights, shape).Plan;

    /// <summary>Total bits of several plans (for model-level reports).</summary>
    public static long TotalBits(IEnumerable<TensorStoragePlan> plans) => plans.Sum(p => p.TotalBits);

    /// <summary>Plans the storage and returns the level table the encoder needs.</summary>
    internal static TensorEncodingChoice Choose(ReadOnlySpan<float> weights, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long expected = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape dimension {d} is negative.", nameof(shape));
            expected *= d;
        }
        if (expected != weights.Length)
            throw new ArgumentException($"Shape [{string.Join(",", shape)}] holds {expected} elements but {weights.Length} weights were given.", nameof(shape));

        long count = weights.Length;
        // Sized once: growing it element by element was a fifth of packing time (the fuzzer packs thousands of models).
        var gaps = new List<int>(weights.Length);
        long nonZeros = 0, previous = -1;
        var distinctNonZero = new HashSet<int>();
        bool tooManyLevels = false, hasZero = false;
        for (int i = 0; i < weights.Length; i++)
        {
            var v = weights[i];
            if (v == 0f) { hasZero = true; continue; }
            nonZeros++;
            gaps.Add((int)(i - previous - 1));
            previous = i;
            if (!tooManyLevels)
            {
                distinctNonZero.Add(BitConverter.SingleToInt32Bits(v));
                if (distinctNonZero.Count > (1 << MaxCodeBits)) tooManyLevels = true;
            }
        }

        // Candidate 1: dense.
        var best = new TensorEncodingChoice(new TensorStoragePlan
        {
            Encoding = TensorEncoding.Dense, Levels = LevelKind.None, Count = count, NonZeros = nonZeros, CodeBits = 32, IndexBits = 0,
            FillerEntries = 0, CodebookEntries = 0, CodeBitsTotal = 32 * count, IndexBitsTotal = 0, CodebookBits = 0, TotalBits = 32 * count,
        }, [], 0f);

        float[] levels = tooManyLevels ? [] : distinctNonZero.Select(BitConverter.Int32BitsToSingle).ToArray();
        var scale = tooManyLevels ? null : FindScale(levels);
        // The codebook of the levels, with or without zero, sorted once (each sparse index width used to sort it again).
        float[]? sortedLevels = null, sortedWithZero = null;
        float[] Codebook(bool withZero) => withZero
            ? sortedWithZero ??= SortedCodebook(levels.Append(0f))
            : sortedLevels ??= SortedCodebook(levels);

        // Candidate 2: quantized (every element gets a code; zero is a level when present).
        if (!tooManyLevels && count > 0)
        {
            if (levels.Length + (hasZero ? 1 : 0) <= (1 << MaxCodeBits))
            {
                Consider(ref best, Quantized(TensorEncoding.Quantized, count, nonZeros, count, 0, 0, 0, Codebook(hasZero), scale, hasZero));
            }
        }

        // Candidates 3 and 4: sparse, for every index width up to the one that needs no fillers.
        long maxGap = gaps.Count == 0 ? 0 : gaps.Max();
        int widest = Math.Min(MaxIndexBits, Math.Max(1, BitsFor((ulong)maxGap)));
        for (int w = 1; w <= widest; w++)
        {
            long fillers = 0;
            foreach (var g in gaps) fillers += g >> w;
            long entries = nonZeros + fillers;
            ConsiderSparse(ref best, TensorEncoding.Sparse, TensorEncoding.SparseQuantized, w, fillers, entries, (long)w * entries);
        }
        // Candidates 5 and 6: the same with Rice-coded indices, for every parameter up to the fixed widths' widest
        // (a larger k only adds bits to every codeword). Listed after the fixed widths, so ties keep version-1 files.
        for (int k = 0; k <= widest; k++)
        {
            ConsiderSparse(ref best, TensorEncoding.SparseRice, TensorEncoding.SparseQuantizedRice, k, 0, nonZeros, RiceBits(gaps, k));
        }
        return best;

        void ConsiderSparse(ref TensorEncodingChoice best, TensorEncoding raw, TensorEncoding coded, int indexBits, long fillers, long entries, long indexBitsTotal)
        {
            Consider(ref best, new TensorEncodingChoice(new TensorStoragePlan
            {
                Encoding = raw, Levels = LevelKind.None, Count = count, NonZeros = nonZeros, CodeBits = 32, IndexBits = indexBits,
                FillerEntries = fillers, CodebookEntries = 0, CodeBitsTotal = 32 * entries, IndexBitsTotal = indexBitsTotal, CodebookBits = 0,
                TotalBits = 32 * entries + indexBitsTotal,
            }, [], 0f));
            if (!tooManyLevels && levels.Length + (fillers > 0 ? 1 : 0) <= (1 << MaxCodeBits))
                Consider(ref best, Quantized(coded, count, nonZeros, entries, indexBits, indexBitsTotal, fillers, Codebook(fillers > 0), scale, fillers > 0));
        }
    }

    /// <summary>Bits of the Golomb–Rice codewords of <paramref name="gaps"/> with parameter <paramref name="k"/>.</summary>
    internal static long RiceBits(IEnumerable<int> gaps, int k)
    {
        long bits = 0;
        foreach (var g in gaps) bits += RiceCodewordBits(g, k);
        return bits;
    }

    /// <summary>Bits of one codeword: floor(gap / 2^k) one-bits, the terminating zero bit, then the low k bits.</summary>
    internal static long RiceCodewordBits(long gap, int k) => (gap >> k) + 1 + k;

    private static void Consider(ref TensorEncodingChoice best, TensorEncodingChoice? candidate)
    {
        if (candidate is not null && candidate.Plan.TotalBits < best.Plan.TotalBits) best = candidate;
    }

    /// <summary>The cheaper of codebook and scale levels for a quantized encoding with the given entries.</summary>
    private static TensorEncodingChoice? Quantized(TensorEncoding encoding, long count, long nonZeros, long entries, int indexBits, long indexBitsTotal,
        long fillers, float[] codebook, ScaleFit? scale, bool needsZero)
    {
        int k = codebook.Length <= 1 ? 0 : BitsFor((ulong)(codebook.Length - 1));
        TensorEncodingChoice? best = null;
        if (k <= MaxCodeBits)
        {
            best = new TensorEncodingChoice(new TensorStoragePlan
            {
                Encoding = encoding, Levels = LevelKind.Codebook, Count = count, NonZeros = nonZeros, CodeBits = k, IndexBits = indexBits,
                FillerEntries = fillers, CodebookEntries = codebook.Length, CodeBitsTotal = k * entries, IndexBitsTotal = indexBitsTotal,
                CodebookBits = 32L * codebook.Length, TotalBits = (long)k * entries + indexBitsTotal + 32L * codebook.Length,
            }, codebook, 0f);
        }
        if (scale is { } s)
        {
            long qMin = needsZero ? Math.Min(0, s.MinQ) : s.MinQ;
            long qMax = needsZero ? Math.Max(0, s.MaxQ) : s.MaxQ;
            int b = SignedBitsFor(qMin, qMax);
            if (b <= MaxCodeBits)
            {
                var plan = new TensorStoragePlan
                {
                    Encoding = encoding, Levels = LevelKind.Scale, Count = count, NonZeros = nonZeros, CodeBits = b, IndexBits = indexBits,
                    FillerEntries = fillers, CodebookEntries = 0, CodeBitsTotal = b * entries, IndexBitsTotal = indexBitsTotal,
                    CodebookBits = 32, TotalBits = (long)b * entries + indexBitsTotal + 32,
                };
                if (best is null || plan.TotalBits < best.Plan.TotalBits) best = new TensorEncodingChoice(plan, [], s.Scale);
            }
        }
        return best;
    }

    /// <summary>The levels in codebook order: sorted for a deterministic file.</summary>
    /// <remarks>
    /// By value, then by bit pattern (as OrderBy(v).ThenBy(bits) would, without its cost: the levels' bit patterns are all
    /// distinct, so the order is total and an unstable sort gives the same array).
    /// </remarks>
    private static float[] SortedCodebook(IEnumerable<float> levels)
    {
        var sorted = levels.ToArray();
        Array.Sort(sorted, static (a, b) =>
        {
            int byValue = a.CompareTo(b);
            return byValue != 0 ? byValue : BitConverter.SingleToInt32Bits(a).CompareTo(BitConverter.SingleToInt32Bits(b));
        });
        return sorted;
    }

    /// <summary>Bits needed to write values 0..<paramref name="max"/> unsigned (at least 1).</summary>
    internal static int BitsFor(ulong max) => max == 0 ? 1 : 64 - BitOperations.LeadingZeroCount(max);

    /// <summary>Smallest two's-complement width holding every integer in [min, max] (at least 1).</summary>
    internal static int SignedBitsFor(long min, long max)
    {
        int b = 1;
        while (b < 64 && (min < -(1L << (b - 1)) || max > (1L << (b - 1)) - 1)) b++;
        return b;
    }

    /// <summary>The value a scale code decodes to. Writer, planner and reader all use this one expression.</summary>
    internal static float ScaleValue(float scale, long q) => scale * (float)q;

    /// <summary>A scale under which every level is exactly <c>scale * q</c> with |q| &lt; 2^15, or null.</summary>
    private static ScaleFit? FindScale(float[] levels)
    {
        if (levels.Length == 0) return null;
        foreach (var v in levels) if (!float.IsFinite(v)) return null;
        // Ties in magnitude may land in any order: only the smallest magnitude and whether every level fits matter.
        var byMagnitude = (float[])levels.Clone();
        var magnitudes = Array.ConvertAll(byMagnitude, MathF.Abs);
        Array.Sort(magnitudes, byMagnitude);
        float smallest = MathF.Abs(byMagnitude[0]);
        for (int j = 1; j <= MaxScaleDivisor; j++)
        {
            float s0 = smallest / j;
            if (s0 == 0f || !float.IsNormal(s0)) break;
            // The quantizer's scale may differ from smallest/j by an ulp or two of rounding.
            foreach (var s in new[] { s0, MathF.BitDecrement(s0), MathF.BitIncrement(s0), MathF.BitDecrement(MathF.BitDecrement(s0)), MathF.BitIncrement(MathF.BitIncrement(s0)) })
            {
                if (Fits(s, byMagnitude, out var min, out var max)) return new ScaleFit(s, min, max);
            }
        }
        return null;
    }

    private static bool Fits(float s, float[] levels, out long min, out long max)
    {
        min = long.MaxValue; max = long.MinValue;
        // Check the largest level first: a wrong scale fails there fastest.
        for (int i = levels.Length - 1; i >= 0; i--)
        {
            var v = levels[i];
            var qf = MathF.Round(v / s);
            if (!(MathF.Abs(qf) < 32768f)) return false;
            long q = (long)qf;
            if (ScaleValue(s, q) != v) return false;
            min = Math.Min(min, q); max = Math.Max(max, q);
        }
        return true;
    }

    private readonly record struct ScaleFit(float Scale, long MinQ, long MaxQ);
}
