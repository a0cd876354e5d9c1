using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace AdmmNn.Data.Idx;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or raw, of unsigned bytes.
/// Every header field is checked against the file before anything large is allocated, so a corrupt file
/// fails with an <see cref="InvalidDataFileException"/> instead of an out-of-memory or index error.
/// </summary>
public static class IdxReader
{
    // Deflate cannot expand data by more than about 1032:1; a header that claims more than this
    // from a gzip file of a given size is lying, and is rejected before the buffer is allocated.
    private const long MaxGzipExpansion = 1100;

    /// <summary>Reads <paramref name="path"/>; gzip is recognized by its magic bytes, not by the extension.</summary>
    /// <param name="path">The IDX file.</param>
    /// <param name="expectedDimensions">When set, the number of dimensions the caller needs (3 for images, 1 for labels).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataFileException">The file exists but is not a usable IDX file.</exception>
    public static IdxArray Read(string path, int? expectedDimensions = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataFileException(path, $"cannot be opened: {ex.Message}", ex);
        }

        using (file)
        {
            var length = file.Length;
            if (length == 0) throw new InvalidDataFileException(path, "file is empty (0 bytes); expected an IDX file");
            Span<byte> head = stackalloc byte[2];
            var headLength = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            var isGzip = headLength == 2 && head[0] == 0x1F && head[1] == 0x8B;
            if (!isGzip) return ReadCore(file, path, length, compressed: false, expectedDimensions);
            try
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                return ReadCore(gzip, path, length, compressed: true, expectedDimensions);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataFileException(path, $"corrupt gzip data: {OneLine(ex.Message)}", ex);
            }
        }
    }

    private static IdxArray ReadCore(Stream stream, string path, long fileLength, bool compressed, int? expectedDimensions)
    {
        var what = compressed ? "the decompressed data" : "the file";
        Span<byte> magic = stackalloc byte[4];
        var got = stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InvalidDataFileException(path, $"truncated header: {what} holds {got} byte(s), but the IDX magic number alone needs 4");

        var magicValue = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataFileException(path,
                $"wrong magic number 0x{magicValue:X8}: an IDX file starts with two zero bytes, the element type and the dimension count (e.g. 0x00000803 for images, 0x00000801 for labels)");

        var type = (IdxElementType)magic[2];
        if (!Enum.IsDefined(type))
            throw new InvalidDataFileException(path, $"unknown element type 0x{magic[2]:X2} in the magic number 0x{magicValue:X8}");
        if (type != IdxElementType.UnsignedByte)
            throw new InvalidDataFileException(path, $"element type {type} (0x{magic[2]:X2}) is not supported; expected unsigned bytes (0x08)");

        int rank = magic[3];
        if (rank == 0) throw new InvalidDataFileException(path, "the magic number declares 0 dimensions");
        if (expectedDimensions is { } expected && rank != expected)
        {
            var meaning = expected switch { 1 => " (labels: count)", 3 => " (images: count x height x width)", _ => "" };
            throw new InvalidDataFileException(path, $"has {rank} dimension(s) but {expected} are expected{meaning}");
        }

        var headerLength = 4 + 4 * rank;
        var dimBytes = new byte[4 * rank];
        got = stream.ReadAtLeast(dimBytes, dimBytes.Length, throwOnEndOfStream: false);
        if (got < dimBytes.Length)
            throw new InvalidDataFileException(path, $"truncated header: {rank} dimension(s) need {dimBytes.Length} bytes after the magic number but only {got} follow");

        var dims = new int[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (size > int.MaxValue)
                throw new InvalidDataFileException(path, $"dimension {i} has the impossible size {size}");
            dims[i] = (int)size;
            total = total > Array.MaxLength ? total : total * size;
        }

        var shape = string.Join(" x ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        if (total > Array.MaxLength)
            throw new InvalidDataFileException(path, $"the header declares {shape} elements, more than one array can hold (corrupt header?)");

        if (!compressed)
        {
            var available = fileLength - headerLength;
            if (available < total)
                throw new InvalidDataFileException(path,
                    $"truncated: the header declares {shape} = {total:N0} bytes of data but only {available:N0} follow the {headerLength}-byte header");
            if (available > total)
                throw new InvalidDataFileException(path,
                    $"{available - total:N0} unexpected trailing byte(s) after the {total:N0} bytes of data the header declares ({shape})");
        }
        else if (total > fileLength * MaxGzipExpansion)
        {
            throw new InvalidDataFileException(path,
                $"the header declares {shape} = {total:N0} bytes of data, more than a {fileLength:N0}-byte gzip file can hold (truncated or corrupt)");
        }

        var data = new byte[total];
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < total)
            throw new InvalidDataFileException(path,
                $"truncated: the header declares {shape} = {total:N0} bytes of data but {what} holds only {got:N0} after the header");

        if (compressed)
        {
            // Count what follows the declared data (bounded, so a huge tail cannot stall the reader).
            var tail = new byte[64 * 1024];
            long trailing = 0;
            int n;
            while (trailing < 1L << 30 && (n = stream.Read(tail)) > 0) trailing += n;
            if (trailing > 0)
                throw new InvalidDataFileException(path,
                    $"{trailing:N0} unexpected trailing byte(s) after the {total:N0} bytes of data the header declares ({shape})");
        }

        return new IdxArray(path, dims, data);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
