namespace AdmmNn.Runtime.Format;

/// <summary>Reads values of 0..32 bits, least significant bit first; the caller has checked the bit budget.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private long _bit;

    public readonly long Position => _bit;

    public uint Read(int bits)
    {
        if (bits == 0) return 0;
        ulong value = 0;
        int got = 0;
        while (got < bits)
        {
            int byteIndex = (int)(_bit >> 3), shift = (int)(_bit & 7);
            int take = Math.Min(8 - shift, bits - got);
            value |= (ulong)((_data[byteIndex] >> shift) & ((1 << take) - 1)) << got;
            got += take;
            _bit += take;
        }
        return (uint)value;
    }
}
