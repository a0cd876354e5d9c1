using System.Buffers.Binary;
using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Runtime.Tests.Format;

/// <summary>Golomb–Rice coded relative indices (format version 2): cost, optimality, round trip and hostile input.</summary>
public sealed class RiceIndexTests
{
    /// <summary>80 nonzeros each after one zero, then one after 500 zeros (661 elements): short gaps and one long one, as
    /// in a pruned layer with an emptied row.</summary>
    private static float[] HeavyTail(bool quantize)
    {
        var w = new float[661];
        int position = -1, n = 0;
        foreach (var gap in Enumerable.Repeat(1, 80).Append(500))
        {
            position += gap + 1;
            w[position] = quantize ? (n % 2 == 0 ? 0.25f : -0.25f) : MathF.Sqrt(n + 2) * (n % 2 == 0 ? 1 : -1);
            n++;
        }
        return w;
    }

    [Fact]
    public void Heavy_tailed_gaps_choose_the_cheapest_Rice_parameter()
    {
        // Rice index bits sum over gaps of (g >> k) + 1 + k: k=1 80*2+252 = 412; k=2 80*3+128 = 368; k=3 80*4+66 = 386.
        // Best fixed width: w=7, 3 fillers, 84*(32+7) = 3276 bits; Rice k=2: 81*32 + 368 = 2960.
        var plan = StorageAccounting.Plan(HeavyTail(quantize: false), [661]);
        Assert.Equal(TensorEncoding.SparseRice, plan.Encoding);
        Assert.Equal(2, plan.IndexBits);
        Assert.Equal(0, plan.FillerEntries);
        Assert.Equal(81, plan.Entries);
        Assert.Equal(368, plan.IndexBitsTotal);
        Assert.Equal(2960, plan.TotalBits);
        Assert.Equal(5, plan.MeanIndexBitsPerNonZero); // ceil(368 / 81)

        // Two levels: a 1-bit codebook (81 + 64) and the same indices: 513; fixed w=7 needs zero as a third level (2-bit codes): 84*9+96 = 852.
        var quantized = StorageAccounting.Plan(HeavyTail(quantize: true), [661]);
        Assert.Equal(TensorEncoding.SparseQuantizedRice, quantized.Encoding);
        Assert.Equal(LevelKind.Codebook, quantized.Levels);
        Assert.Equal(1, quantized.CodeBits);
        Assert.Equal(2, quantized.CodebookEntries);
        Assert.Equal(513, quantized.TotalBits);
    }

    [Fact]
    public void Fixed_width_with_fillers_is_kept_when_it_is_cheaper()
    {
        // 40 gaps of 3 and one of 5: fixed w=2 with 1 filler, 42*34 = 1428; Rice k=2, 40*(32+3) + (32+4) = 1436.
        var w = new float[4 * 40 + 6];
        int position = -1;
        foreach (var gap in Enumerable.Repeat(3, 40).Append(5))
        {
            position += gap + 1;
            w[position] = MathF.Sqrt(position + 2);
        }
        var plan = StorageAccounting.Plan(w, [w.Length]);
        Assert.Equal(TensorEncoding.Sparse, plan.Encoding);
        Assert.Equal(2, plan.IndexBits);
        Assert.Equal(1, plan.FillerEntries);
        Assert.Equal(1428, plan.TotalBits);
    }

    [Fact]
    public void Planner_total_is_the_brute_force_minimum_over_every_width_and_parameter()
    {
        // Distinct irrational values: no codebook or scale can win, so the candidates are dense, every fixed index width
        // with its fillers and every Rice parameter; enumerated here independently and further than the planner searches.
        var rng = new Random(11);
        int compared = 0;
        for (int t = 0; t < 300; t++)
        {
            int n = rng.Next(1, 400);
            double keep = rng.NextDouble() * rng.NextDouble();
            var w = new float[n];
            for (int i = 0; i < n; i++)
                if (rng.NextDouble() < keep) w[i] = (float)(Math.PI * (1 + rng.NextDouble()) * (rng.Next(2) * 2 - 1));
            // Long runs of zeros now and then, as an emptied row leaves.
            if (n > 50 && rng.Next(2) == 0) Array.Clear(w, rng.Next(n / 2), n / 3);

            var gaps = new List<long>();
            for (int i = 0, previous = -1; i < n; i++)
                if (w[i] != 0f) { gaps.Add(i - previous - 1); previous = i; }
            long best = 32L * n;
            for (int width = 1; width <= 40; width++)
            {
                long entries = gaps.Count + gaps.Sum(g => g >> width);
                best = Math.Min(best, entries * (32 + width));
            }
            for (int k = 0; k <= 40; k++) best = Math.Min(best, gaps.Sum(g => 32 + (g >> k) + 1 + k));

            var plan = StorageAccounting.Plan(w, [n]);
            Assert.Equal(plan.CodeBitsTotal + plan.IndexBitsTotal + plan.CodebookBits, plan.TotalBits);
            // A tensor with one or two nonzeros can fit a scale, which may be cheaper still; never dearer.
            if (plan.Levels != LevelKind.None) { Assert.True(plan.TotalBits <= best); continue; }
            Assert.Equal(best, plan.TotalBits);
            compared++;
        }
        Assert.True(compared >= 250, $"only {compared} of 300 tensors had raw-float candidates only");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rice_coded_tensors_round_trip_bit_exactly_in_a_version_2_file(bool quantize)
    {
        var rng = new Random(quantize ? 3 : 4);
        var random = new float[2000];
        for (int i = 0; i < random.Length; i++)
            if (i % 400 < 100 && rng.NextDouble() < 0.3) random[i] = quantize ? 0.5f * rng.Next(-3, 4) : (float)rng.NextDouble() - 0.5f;
        var (bytes, summary) = Pack(("heavy", HeavyTail(quantize)), ("random", random));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.All(summary.Tensors, t => Assert.True(t.Plan.IsRiceCoded, $"{t.Name}: {t.Plan.Encoding}"));

        var read = PackedModelReader.Read(bytes);
        Assert.Equal(summary.Tensors.Select(t => t.Plan), read.Summary.Tensors.Select(t => t.Plan));
        Assert.Equal(HeavyTail(quantize).Select(BitConverter.SingleToInt32Bits), read.Graph.Initializer("heavy")!.Floats!.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(random.Select(BitConverter.SingleToInt32Bits), read.Graph.Initializer("random")!.Floats!.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void A_file_without_Rice_coded_tensors_stays_version_1()
    {
        var (bytes, summary) = Pack(("dense", Enumerable.Range(0, 16).Select(i => MathF.Sqrt(i + 2)).ToArray()));
        Assert.Equal(TensorEncoding.Dense, summary.Tensors[0].Plan.Encoding);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(16, PackedModelReader.Read(bytes).Graph.Initializer("dense")!.Floats!.Length);
    }

    [Fact]
    public void A_Rice_coded_tensor_in_a_version_1_file_is_rejected()
    {
        var (bytes, _) = Pack(("heavy", HeavyTail(quantize: false)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 1);
        Reseal(bytes);
        var ex = Assert.Throws<InvalidModelException>(() => PackedModelReader.Read(bytes));
        Assert.Equal("tensor.encoding", ex.Field);
        Assert.Contains("version 2", ex.Message);
    }

    [Fact]
    public void Unknown_future_version_is_rejected()
    {
        var (bytes, _) = Pack(("heavy", HeavyTail(quantize: false)));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 3);
        Reseal(bytes);
        Assert.Equal("header.version", Assert.Throws<InvalidModelException>(() => PackedModelReader.Read(bytes)).Field);
    }

    [Theory]
    [InlineData(4 * 32 + 3 * 1 - 1, "possible")] // fewer bits than 4 codewords of k+1 = 1 bit each
    [InlineData(4 * 32 + 4 + 7, "possible")]      // more unary bits than the 6 zeros of the tensor
    public void Declared_bits_no_Rice_codewords_can_fill_are_rejected(long totalBits, string expected)
    {
        var at = new SectionReader(new byte[8], 0, 8);
        var ex = Assert.Throws<InvalidModelException>(() =>
            TensorCodec.ValidatePlan(at, 10, TensorEncoding.SparseRice, LevelKind.None, 32, 0, 4, 0, 0, totalBits));
        Assert.Equal("tensor.totalBits", ex.Field);
        Assert.Contains(expected, ex.Message);
        Assert.Equal("tensor.fillers", Assert.Throws<InvalidModelException>(() =>
            TensorCodec.ValidatePlan(at, 10, TensorEncoding.SparseRice, LevelKind.None, 32, 0, 4, 1, 0, 4 * 32 + 4)).Field);
    }

    [Fact]
    public void Hostile_Rice_payloads_are_reported_not_thrown()
    {
        var at = new SectionReader(new byte[8], 0, 8);
        var output = new float[1000];
        // One 1.0f entry in a 1,000-element tensor, its Rice codeword (parameter k) given bit by bit, least significant first.
        string? Decode(int k, string codeword)
        {
            var plan = TensorCodec.ValidatePlan(at, 1000, TensorEncoding.SparseRice, LevelKind.None, 32, k, 1, 0, 0, 32 + codeword.Length);
            var payload = new byte[plan.PayloadBytes];
            BinaryPrimitives.WriteInt32LittleEndian(payload, BitConverter.SingleToInt32Bits(1f));
            for (int i = 0; i < codeword.Length; i++) if (codeword[i] == '1') payload[4 + i / 8] |= (byte)(1 << (i % 8));
            return TensorCodec.Decode(payload, plan, output);
        }

        // A unary run that does not terminate within the declared index bits.
        Assert.Contains("runs past", Decode(0, new string('1', 100)));
        // k = 1: 500 ones, the zero, remainder 0 = gap 1,000: one past the last element (the declared bits allow it).
        Assert.Contains("runs past", Decode(1, new string('1', 500) + "00"));
        // The remainder's k bits are missing.
        Assert.Contains("runs past", Decode(3, "1110" + "01"));
        // Gap 2 ("110") followed by 5 declared bits no codeword uses.
        Assert.Contains("beyond the last Rice codeword", Decode(0, "110" + "00000"));
        // The same codeword with exactly its bits decodes to element 2; with k = 1, "10" + "1" is gap 3, and the largest
        // gap the tensor allows (999) decodes too.
        Assert.Null(Decode(0, "110"));
        Assert.Equal(1f, output[2]);
        Assert.Null(Decode(1, "101"));
        Assert.Equal(1f, output[3]);
        Assert.Null(Decode(1, new string('1', 499) + "0" + "1"));
        Assert.Equal(1f, output[999]);
        Assert.Equal(1f, output.Sum());
    }

    private static (byte[] Bytes, PackedModelSummary Summary) Pack(params (string Name, float[] Values)[] tensors)
    {
        var g = new ModelGraph { Name = "rice", ProducerName = "test" };
        g.Inputs.Add(new ValueInfo("x", ElementType.Float32, [1]));
        g.Outputs.Add(new ValueInfo("x", ElementType.Float32, [1]));
        foreach (var (name, values) in tensors) g.Initializers.Add(TensorData.FromFloats(name, [values.Length], values));
        using var ms = new MemoryStream();
        var summary = PackedModelWriter.Write(g, ms);
        return (ms.ToArray(), summary);
    }

    /// <summary>Recomputes the trailing checksum after an edit, so the reader's later checks are reached.</summary>
    private static void Reseal(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
}
