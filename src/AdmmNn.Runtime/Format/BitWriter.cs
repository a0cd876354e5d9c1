namespace AdmmNn.Runtime.Format;

/// <summary>Appends values of 0..32 bits, least significant bit first, into a buffer sized up front.</summary>
/// <remarks>
/// The encoder knows a tensor's exact payload size from its plan, so the buffer is allocated once: growing a list byte by
/// byte made packing a 1.7 MB model copy its payload several times over (most of the fuzzer's ONNX time, issue #16).
/// </remarks>
internal sealed class BitWriter(long capacityBytes)
{
    private byte[] _bytes = new byte[checked((int)capacityBytes)];
    private int _length;
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
            // A plan that undercounts would overflow the buffer: grow rather than fail here; Encode reports the mismatch.
            if (_length == _bytes.Length) Array.Resize(ref _bytes, Math.Max(16, _bytes.Length * 2));
            _bytes[_length++] = (byte)_pending;
            _pending >>= 8;
            _pendingBits -= 8;
        }
    }

    /// <summary>The bytes written, the last one zero-padded.</summary>
    public byte[] ToArray()
    {
        int length = checked((int)((BitCount + 7) / 8));
        // The buffer is handed over when the plan sized it exactly (the normal case): the writer is not used after this.
        var result = _bytes.Length == length ? _bytes : _bytes.AsSpan(0, Math.Min(_length, length)).ToArray();
        if (result.Length < length) Array.Resize(ref result, length);
        if (_pendingBits > 0) result[length - 1] = (byte)_pending;
        return result;
    }
}
