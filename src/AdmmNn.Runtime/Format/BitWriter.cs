namespace AdmmNn.Runtime.Format;

/// <summary>Appends values of 0..32 bits, least significant bit first, into bytes.</summary>
internal sealed class BitWriter
{
    private readonly List<byte> _bytes = [];
    private ulong _pending;
    private int _pendingBits;

    public long BitCount { get; private set; }

    public void Write(uint value, int bits)
    {
        if (bits == 0) return;
        if (bits < 32) value &= (1u << bits) - 1;
        _pending |= (ulong)value << _pendingBits;
        _pendingBits += bits;
        BitCount += bits;
        while (_pendingBits >= 8)
        {
            _bytes.Add((byte)_pending);
            _pending >>= 8;
            _pendingBits -= 8;
        }
    }

    /// <summary>The bytes written, the last one zero-padded.</summary>
    public byte[] ToArray()
    {
        var result = new byte[(BitCount + 7) / 8];
        _bytes.CopyTo(result);
        if (_pendingBits > 0) result[^1] = (byte)_pending;
        return result;
    }
}
