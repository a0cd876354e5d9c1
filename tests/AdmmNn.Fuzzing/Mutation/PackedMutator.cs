using System.Buffers.Binary;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Fuzzing.Mutation;

/// <summary>
/// Mutations of a packed <c>.admmnn</c> file: header integers (version, flags, section lengths) set to boundary values,
/// varints inside the graph section (counts, ranks, dims, lengths, plan fields) replaced by boundary values, and the
/// format-blind byte mutations. Most mutations then recompute the header lengths and the CRC-32, so the parser itself
/// (not just the checksum) is exercised.
/// </summary>
public sealed class PackedMutator(byte[] seed) : IMutator
{
    private const int HeaderBytes = 24, TrailerBytes = 4;

    /// <summary>One mutation of the seed.</summary>
    public (byte[] Bytes, string How) Mutate(Random rng)
    {
        byte[] bytes;
        string how;
        int graphLength = seed.Length >= HeaderBytes ? (int)BinaryPrimitives.ReadUInt32LittleEndian(seed.AsSpan(12)) : 0;
        switch (rng.Next(8))
        {
            case 0:
            {
                bytes = (byte[])seed.Clone();
                int field = rng.Next(4);
                ulong value = ByteMutations.InterestingValues[rng.Next(ByteMutations.InterestingValues.Length)];
                switch (field)
                {
                    case 0: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)value); how = $"header.version = {(ushort)value}"; break;
                    case 1: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(10), (ushort)value); how = $"header.flags = {(ushort)value}"; break;
                    case 2: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)value); how = $"header.graphLength = {(uint)value}"; break;
                    default: BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), value); how = $"header.payloadLength = {value}"; break;
                }
                FixCrc(bytes);
                return (bytes, how + " (crc fixed)");
            }
            case 1 or 2 or 3 or 4 when graphLength > 0 && HeaderBytes + graphLength <= seed.Length - TrailerBytes:
            {
                // Replace the varint starting at a random graph-section offset by a boundary value (plain or zigzag).
                int at = HeaderBytes + rng.Next(graphLength);
                int end = at;
                while (end < HeaderBytes + graphLength && end - at < 10 && (seed[end] & 0x80) != 0) end++;
                end = Math.Min(end + 1, HeaderBytes + graphLength);
                ulong value = rng.Next(3) == 0 ? (ulong)rng.Next(64) : ByteMutations.InterestingValues[rng.Next(ByteMutations.InterestingValues.Length)];
                if (rng.Next(3) == 0) value = (value << 1) ^ (ulong)-(long)(value >> 63);
                using var encoded = new MemoryStream();
                ProtoTree.WriteVarint(encoded, value);
                bytes = [.. seed.AsSpan(0, at), .. encoded.ToArray(), .. seed.AsSpan(end)];
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(graphLength + encoded.Length - (end - at)));
                how = $"graph varint at {at} (len {end - at}) = {value}";
                break;
            }
            default:
            {
                (bytes, how) = ByteMutations.Apply(seed, rng, rng.Next(4) == 0 ? 0 : HeaderBytes);
                if (bytes.Length != seed.Length && bytes.Length >= HeaderBytes + TrailerBytes && rng.Next(4) != 0)
                {
                    // Keep the header consistent with the new length so the parser reaches the damage.
                    long available = bytes.Length - HeaderBytes - TrailerBytes;
                    long graph = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)) + (bytes.Length - seed.Length), available);
                    graph = Math.Max(0, graph);
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)graph);
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), (ulong)(available - graph));
                    how += " (lengths fixed)";
                }
                break;
            }
        }
        if (rng.Next(8) != 0 && FixCrc(bytes)) how += " (crc fixed)";
        return (bytes, how);
    }

    /// <summary>Recomputes the trailing CRC-32; false when the file is too short to have one.</summary>
    public static bool FixCrc(byte[] bytes)
    {
        if (bytes.Length < HeaderBytes + TrailerBytes) return false;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - TrailerBytes), Crc32.Compute(bytes.AsSpan(0, bytes.Length - TrailerBytes)));
        return true;
    }
}
