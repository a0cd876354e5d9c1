using System.Buffers.Binary;
using System.Text;

namespace AdmmNn.Runtime.Format;

/// <summary>Writes the graph section's primitives: LEB128 varints, zigzag varints, length-prefixed UTF-8 strings.</summary>
internal sealed class SectionWriter
{
    private readonly MemoryStream _stream = new();

    public long Length => _stream.Length;

    public void Byte(byte value) => _stream.WriteByte(value);

    public void VarUInt(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
    }

    public void VarInt(long value) => VarUInt((ulong)((value << 1) ^ (value >> 63)));

    public void Float(float value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _stream.Write(b);
    }

    public void String(string? value)
    {
        var bytes = Encoding.UTF8.GetBytes(value ?? "");
        VarUInt((ulong)bytes.Length);
        _stream.Write(bytes);
    }

    public byte[] ToArray() => _stream.ToArray();
}
