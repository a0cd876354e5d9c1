using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Numpy;

/// <summary>The header of a <c>.npy</c> file (format versions 1–3): element type, C-order shape, and where the data starts.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="DataOffset">Byte offset of the first element.</param>
public sealed partial record NpyHeader(NpyDType DType, long[] Shape, int DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Bytes per element.</summary>
    public int ElementSize => DType switch
    {
        NpyDType.UInt8 or NpyDType.Int8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 => 2,
        NpyDType.Int32 or NpyDType.UInt32 or NpyDType.Float32 => 4,
        _ => 8,
    };

    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, d) => a * d);

    /// <summary>The shape as NumPy prints it, e.g. (100, 28, 28).</summary>
    public string ShapeText => $"({string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}{(Shape.Length == 1 ? "," : "")})";

    /// <summary>Parses the header at the start of <paramref name="stream"/>; <paramref name="name"/> names the file in errors.</summary>
    /// <exception cref="DatasetFormatException">Not a .npy file, a dtype other than <see cref="NpyDType"/>, Fortran order, or a malformed header.</exception>
    public static NpyHeader Read(Stream stream, string name)
    {
        var prefix = new byte[10];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix.AsSpan(0, 6).SequenceEqual(Magic))
            throw new DatasetFormatException(name, "not a .npy file (no \\x93NUMPY magic)");
        int major = prefix[6];
        int headerLength, start;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix.AsSpan(8));
            start = 10;
        }
        else if (major is 2 or 3)
        {
            var more = new byte[2];
            if (stream.ReadAtLeast(more, 2, throwOnEndOfStream: false) < 2) throw new DatasetFormatException(name, "truncated .npy header");
            var length = BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], more[0], more[1]]);
            if (length > 1 << 20) throw new DatasetFormatException(name, $".npy header claims {length} bytes");
            headerLength = (int)length;
            start = 12;
        }
        else
        {
            throw new DatasetFormatException(name, $".npy format version {major} is not supported (1, 2 or 3)");
        }

        var text = new byte[headerLength];
        if (stream.ReadAtLeast(text, headerLength, throwOnEndOfStream: false) < headerLength) throw new DatasetFormatException(name, "truncated .npy header");
        var header = Encoding.Latin1.GetString(text);
        var descr = DescrPattern().Match(header);
        var fortran = FortranPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success) throw new DatasetFormatException(name, $"malformed .npy header: {header.Trim()}");
        if (fortran.Groups[1].Value == "True") throw new DatasetFormatException(name, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        var dtype = descr.Groups[1].Value switch
        {
            "|u1" or "<u1" or "u1" => NpyDType.UInt8,
            "|i1" or "<i1" or "i1" => NpyDType.Int8,
            "<i2" => NpyDType.Int16,
            "<u2" => NpyDType.UInt16,
            "<i4" => NpyDType.Int32,
            "<u4" => NpyDType.UInt32,
            "<i8" => NpyDType.Int64,
            "<u8" => NpyDType.UInt64,
            "<f4" => NpyDType.Float32,
            var other => throw new DatasetFormatException(name, $"dtype '{other}' is not supported: images must be uint8 or float32, labels an integer type"),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new DatasetFormatException(name, $"malformed shape in .npy header: ({shape.Groups[1].Value})"))
            .ToArray();
        var result = new NpyHeader(dtype, dims, start + headerLength);
        if (result.Count * result.ElementSize > Array.MaxLength * 4L) throw new DatasetFormatException(name, $"shape {result.ShapeText} is too large");
        return result;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
