namespace AdmmNn.Fuzzing.Mutation;

/// <summary>Format-blind mutations of a byte array: bit flips, boundary bytes, truncation, chunk duplication and deletion.</summary>
public static class ByteMutations
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x20];

    /// <summary>Applies one random mutation; returns the new bytes and what was done.</summary>
    public static (byte[] Bytes, string How) Apply(byte[] input, Random rng, int from = 0)
    {
        var bytes = (byte[])input.Clone();
        if (bytes.Length == 0) return ([(byte)rng.Next(256)], "empty input: one random byte");
        from = Math.Clamp(from, 0, bytes.Length - 1);
        int At() => rng.Next(from, bytes.Length);
        switch (rng.Next(6))
        {
            case 0:
                int flips = 1 + rng.Next(4);
                for (int i = 0; i < flips; i++) bytes[At()] ^= (byte)(1 << rng.Next(8));
                return (bytes, $"{flips} bit flip(s)");
            case 1:
                int at = At();
                bytes[at] = BoundaryBytes[rng.Next(BoundaryBytes.Length)];
                return (bytes, $"boundary byte 0x{bytes[at]:X2} at {at}");
            case 2:
                int length = rng.Next(bytes.Length);
                return (bytes[..length], $"truncated to {length} bytes");
            case 3:
            {
                int start = At(), count = 1 + rng.Next(Math.Min(64, bytes.Length - start));
                return ([.. bytes[..start], .. bytes[(start + count)..]], $"deleted {count} bytes at {start}");
            }
            case 4:
            {
                int start = At(), count = 1 + rng.Next(Math.Min(64, bytes.Length - start)), to = At();
                return ([.. bytes[..to], .. bytes.AsSpan(start, count), .. bytes[to..]], $"duplicated {count} bytes from {start} to {to}");
            }
            default:
                int run = 1 + rng.Next(8), p = At();
                for (int i = p; i < Math.Min(bytes.Length, p + run); i++) bytes[i] = (byte)rng.Next(256);
                return (bytes, $"{run} random bytes at {p}");
        }
    }

    /// <summary>Numbers at the edges of integer ranges and of what allocations survive.</summary>
    public static readonly ulong[] InterestingValues =
    [
        0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 63, 64, 127, 128, 255, 256, 1023, 1024, 4096, 32767, 32768, 65535, 65536,
        (1UL << 20), (1UL << 24), int.MaxValue / 4, int.MaxValue / 2, int.MaxValue - 1, int.MaxValue, (ulong)int.MaxValue + 1,
        uint.MaxValue, 1UL << 32, 1UL << 40, 1UL << 53, long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue, ulong.MaxValue - 1,
    ];
}
