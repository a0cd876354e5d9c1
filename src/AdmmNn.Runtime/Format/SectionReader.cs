using System.Buffers.Binary;
using System.Text;

namespace AdmmNn.Runtime.Format;

/// <summary>
/// Reads the graph section defensively: every read is checked against the bytes left, every count against what
/// those bytes could hold, and any problem becomes an <see cref="InvalidModelException"/> naming the file offset and field.
/// </summary>
internal sealed class SectionReader(byte[] file, int start, int end)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private int _position = start;

    /// <summary>Absolute file offset of the next byte.</summary>
    public int Offset => _position;

    public int Remaining => end - _position;

    public bool AtEnd => _position == end;

    public InvalidModelException Error(string field, string problem) => new(_position, field, problem);

    public byte Byte(string field)
    {
        if (_position >= end) throw Error(field, "unexpected end of graph section");
        return file[_position++];
    }

    public ulong VarUInt(string field)
    {
        int at = _position;
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= end) throw new InvalidModelException(at, field, "unexpected end of graph section in a varint");
            byte b = file[_position++];
            if (shift == 63 && b > 1) throw new InvalidModelException(at, field, "varint overflows 64 bits");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidModelException(at, field, "varint longer than 10 bytes");
    }

    public long VarInt(string field)
    {
        var u = VarUInt(field);
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    /// <summary>An unsigned value that must lie in [min, max].</summary>
    public int Int(string field, int min, int max)
    {
        int at = _position;
        var v = VarUInt(field);
        if (v < (ulong)Math.Max(min, 0) || v > (ulong)max) throw new InvalidModelException(at, field, $"value {v} outside [{min}, {max}]");
        return (int)v;
    }

    /// <summary>A count of items each taking at least <paramref name="minBytesPerItem"/> bytes of what is left.</summary>
    public int Count(string field, int minBytesPerItem = 1)
    {
        int at = _position;
        var v = VarUInt(field);
        if (v > (ulong)(Remaining / Math.Max(1, minBytesPerItem)))
            throw new InvalidModelException(at, field, $"count {v} exceeds what the remaining {Remaining} bytes can hold");
        return (int)v;
    }

    public float Float(string field)
    {
        if (Remaining < 4) throw Error(field, "unexpected end of graph section in a float");
        var v = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(_position, 4));
        _position += 4;
        return v;
    }

    public string String(string field)
    {
        int at = _position;
        int length = Count(field);
        try
        {
            var s = StrictUtf8.GetString(file, _position, length);
            _position += length;
            return s;
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidModelException(at, field, "string is not valid UTF-8");
        }
    }
}
