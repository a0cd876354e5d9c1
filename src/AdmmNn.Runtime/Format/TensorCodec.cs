namespace AdmmNn.Runtime.Format;

/// <summary>Bit-packs a float tensor under its storage plan, and decodes it back with every field checked.</summary>
internal static class TensorCodec
{
    /// <summary>Encodes <paramref name="values"/>; the result has exactly <see cref="TensorStoragePlan.PayloadBytes"/> bytes.</summary>
    public static byte[] Encode(ReadOnlySpan<float> values, TensorEncodingChoice choice)
    {
        var plan = choice.Plan;
        var bits = new BitWriter(plan.PayloadBytes);
        var codebookIndex = new Dictionary<int, uint>();
        if (plan.Levels == LevelKind.Codebook)
        {
            for (int i = 0; i < choice.Codebook.Length; i++)
            {
                bits.Write((uint)BitConverter.SingleToInt32Bits(choice.Codebook[i]), 32);
                codebookIndex[Key(choice.Codebook[i])] = (uint)i;
            }
        }
        else if (plan.Levels == LevelKind.Scale)
        {
            bits.Write((uint)BitConverter.SingleToInt32Bits(choice.Scale), 32);
        }

        uint Code(float v) => plan.Levels switch
        {
            LevelKind.None => (uint)BitConverter.SingleToInt32Bits(v),
            LevelKind.Codebook => codebookIndex[Key(v)],
            _ => (uint)(long)MathF.Round(v / choice.Scale) & (plan.CodeBits >= 32 ? uint.MaxValue : (1u << plan.CodeBits) - 1),
        };
        float ScaleSafe(float v) => v == 0f ? 0f : v;

        if (plan.Encoding is TensorEncoding.Dense or TensorEncoding.Quantized)
        {
            foreach (var v in values) bits.Write(Code(plan.Levels == LevelKind.None ? v : ScaleSafe(v)), plan.CodeBits);
        }
        else
        {
            var skips = new List<uint>();
            var codes = new List<uint>();
            // Rice-coded indices never overflow: the whole gap goes into one codeword.
            long previous = -1, maxSkip = plan.IsRiceCoded ? long.MaxValue : (1L << plan.IndexBits) - 1;
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] == 0f) continue;
                long gap = i - previous - 1;
                while (gap > maxSkip)
                {
                    skips.Add((uint)maxSkip);
                    codes.Add(Code(0f));
                    gap -= maxSkip + 1;
                }
                skips.Add((uint)gap);
                codes.Add(Code(values[i]));
                previous = i;
            }
            foreach (var c in codes) bits.Write(c, plan.CodeBits);
            if (plan.IsRiceCoded) foreach (var s in skips) WriteRice(bits, s, plan.IndexBits);
            else foreach (var s in skips) bits.Write(s, plan.IndexBits);
        }
        if (bits.BitCount != plan.TotalBits)
            throw new InvalidOperationException($"Encoder wrote {bits.BitCount} bits but the plan says {plan.TotalBits}.");
        return bits.ToArray();
    }

    /// <summary>
    /// The plan a directory entry describes, validated for internal consistency; throws for any impossible combination.
    /// </summary>
    public static TensorStoragePlan ValidatePlan(SectionReader at, long count, TensorEncoding encoding, LevelKind levels, int codeBits, int indexBits,
        long nonZeros, long fillers, int codebookEntries, long totalBits)
    {
        InvalidModelException Bad(string field, string problem) => at.Error(field, problem);
        bool rice = PackedFormat.IsRiceCoded(encoding);
        bool sparse = rice || encoding is TensorEncoding.Sparse or TensorEncoding.SparseQuantized;
        bool quantized = encoding is TensorEncoding.Quantized or TensorEncoding.SparseQuantized or TensorEncoding.SparseQuantizedRice;
        if (quantized != (levels != LevelKind.None)) throw Bad("tensor.levels", $"level kind {levels} does not fit encoding {encoding}");
        if (!quantized && codeBits != 32) throw Bad("tensor.codeBits", $"raw floats need 32-bit codes, not {codeBits}");
        if (quantized && codeBits > StorageAccounting.MaxCodeBits) throw Bad("tensor.codeBits", $"code width {codeBits} exceeds {StorageAccounting.MaxCodeBits}");
        if (levels == LevelKind.Scale && codeBits < 1) throw Bad("tensor.codeBits", "scale codes need at least 1 bit");
        // A Rice parameter may be 0 (codewords are then unary); a fixed index width may not.
        if (rice ? indexBits < 0 : sparse != (indexBits > 0)) throw Bad("tensor.indexBits", $"index width {indexBits} does not fit encoding {encoding}");
        if (indexBits > StorageAccounting.MaxIndexBits) throw Bad("tensor.indexBits", $"index width {indexBits} exceeds {StorageAccounting.MaxIndexBits}");
        if (nonZeros > count) throw Bad("tensor.nonZeros", $"{nonZeros} nonzeros in a tensor of {count} elements");
        if (!sparse && fillers != 0) throw Bad("tensor.fillers", "dense encodings have no fillers");
        if (rice && fillers != 0) throw Bad("tensor.fillers", "Rice-coded indices have no fillers");
        if (nonZeros + fillers > count) throw Bad("tensor.fillers", $"{nonZeros} nonzeros and {fillers} fillers exceed {count} elements");
        if (levels == LevelKind.Codebook)
        {
            if (codebookEntries < 1 || codebookEntries > (1 << StorageAccounting.MaxCodeBits))
                throw Bad("tensor.codebookEntries", $"codebook of {codebookEntries} entries");
        }
        else if (codebookEntries != 0) throw Bad("tensor.codebookEntries", $"{codebookEntries} codebook entries without a codebook");

        long entries = sparse ? nonZeros + fillers : count;
        long tableBits = levels switch { LevelKind.Codebook => 32L * codebookEntries, LevelKind.Scale => 32, _ => 0 };
        long indexBitsTotal = entries * indexBits;
        if (rice)
        {
            // The codewords' length is known only by decoding them; it lies between every gap 0 (k + 1 bits each) and
            // every zero of the tensor in the unary parts (the decoder then checks it exactly).
            indexBitsTotal = totalBits - entries * codeBits - tableBits;
            long least = entries * (indexBits + 1L), most = least + (count - nonZeros);
            if (indexBitsTotal < least || indexBitsTotal > most)
                throw Bad("tensor.totalBits", $"declares {totalBits} bits, which leaves {indexBitsTotal} for {entries} Rice codewords with k = {indexBits} (possible: {least}..{most})");
        }
        long expected = entries * codeBits + indexBitsTotal + tableBits;
        if (expected != totalBits) throw Bad("tensor.totalBits", $"declares {totalBits} bits but its fields add up to {expected}");
        return new TensorStoragePlan
        {
            Encoding = encoding, Levels = levels, Count = count, NonZeros = nonZeros, CodeBits = codeBits, IndexBits = indexBits,
            FillerEntries = fillers, CodebookEntries = codebookEntries, CodeBitsTotal = entries * codeBits, IndexBitsTotal = indexBitsTotal,
            CodebookBits = tableBits, TotalBits = totalBits,
        };
    }

    /// <summary>
    /// Decodes a validated plan's payload (exactly <see cref="TensorStoragePlan.PayloadBytes"/> bytes) into <paramref name="output"/>.
    /// Returns null on success or a description of the inconsistency.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> payload, TensorStoragePlan plan, Span<float> output)
    {
        var reader = new BitReader(payload);
        float[] codebook = [];
        float scale = 0f;
        if (plan.Levels == LevelKind.Codebook)
        {
            codebook = new float[plan.CodebookEntries];
            for (int i = 0; i < codebook.Length; i++) codebook[i] = BitConverter.Int32BitsToSingle((int)reader.Read(32));
        }
        else if (plan.Levels == LevelKind.Scale)
        {
            scale = BitConverter.Int32BitsToSingle((int)reader.Read(32));
        }

        int codeBits = plan.CodeBits;
        string? error = null;
        float Value(uint code)
        {
            switch (plan.Levels)
            {
                case LevelKind.None: return BitConverter.Int32BitsToSingle((int)code);
                case LevelKind.Codebook:
                    if (code >= (uint)codebook.Length) { error ??= $"code {code} beyond the {codebook.Length}-entry codebook"; return 0f; }
                    return codebook[code];
                default:
                    long q = code;
                    if (codeBits < 64 && (q & (1L << (codeBits - 1))) != 0) q -= 1L << codeBits;
                    return StorageAccounting.ScaleValue(scale, q);
            }
        }

        long nonZeros = 0;
        if (plan.Encoding is TensorEncoding.Dense or TensorEncoding.Quantized)
        {
            for (int i = 0; i < output.Length; i++)
            {
                var v = Value(reader.Read(codeBits));
                output[i] = v;
                if (v != 0f) nonZeros++;
            }
        }
        else
        {
            output.Clear();
            long entries = plan.NonZeros + plan.FillerEntries;
            long codeStart = reader.Position;
            var indexReader = new BitReader(payload);
            // Skip to the index stream: it follows all codes.
            long indexStart = codeStart + entries * codeBits;
            SkipBits(ref indexReader, indexStart);
            long position = -1, fillers = 0, indexBitsLeft = plan.IndexBitsTotal;
            for (long e = 0; e < entries; e++)
            {
                var v = Value(reader.Read(codeBits));
                long gap;
                if (plan.IsRiceCoded)
                {
                    // Bounded by the declared index bits and by the tensor: a hostile unary run cannot read past either.
                    gap = ReadRice(ref indexReader, plan.IndexBits, ref indexBitsLeft, output.Length - position - 2);
                    if (gap < 0) return $"entry {e}'s Rice codeword runs past the index bits or the {output.Length} elements";
                }
                else gap = indexReader.Read(plan.IndexBits);
                position += gap + 1L;
                if (position >= output.Length) return $"entry {e} points at element {position}, beyond the {output.Length} elements";
                if (v == 0f) fillers++;
                else { nonZeros++; output[(int)position] = v; }
            }
            if (fillers != plan.FillerEntries) return $"{fillers} zero entries but {plan.FillerEntries} fillers declared";
            if (plan.IsRiceCoded && indexBitsLeft != 0) return $"{indexBitsLeft} index bits declared beyond the last Rice codeword";
        }
        if (error is not null) return error;
        if (nonZeros != plan.NonZeros) return $"{nonZeros} nonzeros decoded but {plan.NonZeros} declared";
        return null;
    }

    /// <summary>Writes one Golomb–Rice codeword: gap &gt;&gt; k one-bits, a zero bit, then the low k bits of the gap.</summary>
    private static void WriteRice(BitWriter bits, uint gap, int k)
    {
        for (long q = (long)gap >> k; q > 0; q -= Math.Min(q, 32)) bits.Write(uint.MaxValue, (int)Math.Min(q, 32));
        bits.Write(0, 1);
        bits.Write(gap, k);
    }

    /// <summary>
    /// Reads one Rice codeword with at most <paramref name="bitsLeft"/> bits; returns the gap, or -1 when the codeword
    /// would need more bits than are left or its gap exceeds <paramref name="maxGap"/>.
    /// </summary>
    private static long ReadRice(ref BitReader reader, int k, ref long bitsLeft, long maxGap)
    {
        long quotient = 0;
        while (true)
        {
            if (bitsLeft <= 0) return -1;
            bitsLeft--;
            if (reader.Read(1) == 0) break;
            if (++quotient > (maxGap >> k)) return -1;
        }
        if (bitsLeft < k) return -1;
        bitsLeft -= k;
        long gap = (quotient << k) | reader.Read(k);
        return gap > maxGap ? -1 : gap;
    }

    private static void SkipBits(ref BitReader reader, long bits)
    {
        while (bits >= 32) { reader.Read(32); bits -= 32; }
        if (bits > 0) reader.Read((int)bits);
    }

    private static int Key(float v) => v == 0f ? 0 : BitConverter.SingleToInt32Bits(v);
}
