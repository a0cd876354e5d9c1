using System.Buffers.Binary;
using System.IO.Compression;

namespace AdmmNn.Data.Tests;

/// <summary>Builds IDX files in memory for tests: valid ones, and corrupt ones by editing the bytes.</summary>
internal static class IdxBytes
{
    /// <summary>An IDX file of unsigned bytes with the given dimensions and data.</summary>
    public static byte[] Create(int[] dims, byte[] data, byte elementType = 0x08)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = elementType;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary><paramref name="count"/> images of <paramref name="height"/> x <paramref name="width"/> whose bytes count up modulo 251.</summary>
    public static byte[] Images(int count, int height, int width)
    {
        var data = new byte[count * height * width];
        for (var i = 0; i < data.Length; i++) data[i] = (byte)(i % 251);
        return Create([count, height, width], data);
    }

    /// <summary>Labels i % classes for i in 0..count.</summary>
    public static byte[] Labels(int count, int classes = 10) =>
        Create([count], Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray());

    /// <summary>Gzip of <paramref name="bytes"/>.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Writes the four files of a small data set into <paramref name="folder"/>.</summary>
    public static void WriteDataset(string folder, int trainCount = 20, int testCount = 10, bool gzip = true)
    {
        Directory.CreateDirectory(folder);
        var ext = gzip ? ".gz" : "";
        byte[] Maybe(byte[] b) => gzip ? Gzip(b) : b;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte" + ext), Maybe(Images(trainCount, 28, 28)));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte" + ext), Maybe(Labels(trainCount)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte" + ext), Maybe(Images(testCount, 28, 28)));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte" + ext), Maybe(Labels(testCount)));
    }
}
