using System.Buffers.Binary;
using System.IO.Compression;
using AdmmNn.Abstractions.Datasets;
using Microsoft.Win32.SafeHandles;

namespace AdmmNn.Data.Numpy;

/// <summary>
/// One NumPy array: a <c>.npy</c> file read on demand (positional reads, safe from any thread, nothing held in memory) or
/// an entry of a <c>.npz</c> archive (inflated into memory, since deflate cannot seek).
/// </summary>
public sealed class NpyArray : IDisposable
{
    private readonly SafeFileHandle? _file;
    private readonly byte[]? _memory;

    private NpyArray(string name, NpyHeader header, SafeFileHandle? file, byte[]? memory)
    {
        Name = name;
        Header = header;
        _file = file;
        _memory = memory;
    }

    /// <summary>The file (or "archive.npz:entry") it came from.</summary>
    public string Name { get; }

    /// <summary>Element type and shape.</summary>
    public NpyHeader Header { get; }

    /// <summary>Opens a .npy file, checking its length against the header.</summary>
    /// <exception cref="DatasetFormatException">Not a usable .npy file.</exception>
    public static NpyArray OpenFile(string path)
    {
        NpyHeader header;
        using (var stream = File.OpenRead(path)) header = NpyHeader.Read(stream, path);
        var expected = header.DataOffset + header.Count * header.ElementSize;
        var length = new FileInfo(path).Length;
        if (length < expected)
            throw new DatasetFormatException(path, $"truncated: shape {header.ShapeText} of {header.DType} needs {expected:N0} bytes but the file has {length:N0}");
        if (length > expected)
            throw new DatasetFormatException(path, $"{length - expected:N0} unexpected trailing byte(s) after the data of shape {header.ShapeText}");
        return new NpyArray(path, header, File.OpenHandle(path), null);
    }

    /// <summary>Reads an entry of a .npz archive into memory.</summary>
    /// <exception cref="DatasetFormatException">The entry is not a usable .npy array.</exception>
    public static NpyArray ReadEntry(ZipArchiveEntry entry, string archivePath)
    {
        var name = $"{archivePath}:{entry.FullName}";
        try
        {
            using var stream = entry.Open();
            var header = NpyHeader.Read(stream, name);
            var size = header.Count * header.ElementSize;
            if (size > Array.MaxLength) throw new DatasetFormatException(name, $"shape {header.ShapeText} is too large to inflate");
            var data = new byte[size];
            var got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            if (got < size) throw new DatasetFormatException(name, $"truncated: shape {header.ShapeText} of {header.DType} needs {size:N0} data bytes but the entry holds {got:N0}");
            if (stream.ReadByte() >= 0) throw new DatasetFormatException(name, $"unexpected trailing bytes after the data of shape {header.ShapeText}");
            return new NpyArray(name, header with { DataOffset = 0 }, null, data);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetFormatException(name, $"corrupt archive entry: {ex.Message}", inner: ex);
        }
    }

    /// <summary>Copies elements [<paramref name="first"/>, first + destination.Length / element size) as raw little-endian bytes.</summary>
    public void ReadRaw(long first, Span<byte> destination)
    {
        var offset = Header.DataOffset + first * Header.ElementSize;
        if (_memory is not null)
        {
            _memory.AsSpan((int)offset, destination.Length).CopyTo(destination);
            return;
        }

        var got = RandomAccess.Read(_file!, destination, offset);
        if (got < destination.Length) throw new DatasetFormatException(Name, "file shrank while being read");
    }

    /// <summary>Element <paramref name="index"/> as a long (integer dtypes).</summary>
    public long ReadInteger(long index)
    {
        Span<byte> b = stackalloc byte[8];
        var e = b[..Header.ElementSize];
        ReadRaw(index, e);
        return Header.DType switch
        {
            NpyDType.UInt8 => e[0],
            NpyDType.Int8 => (sbyte)e[0],
            NpyDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(e),
            NpyDType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(e),
            NpyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(e),
            NpyDType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(e),
            NpyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(e),
            NpyDType.UInt64 => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(e), long.MaxValue),
            _ => throw new InvalidOperationException($"{Name}: {Header.DType} is not an integer type"),
        };
    }

    /// <inheritdoc/>
    public void Dispose() => _file?.Dispose();
}
