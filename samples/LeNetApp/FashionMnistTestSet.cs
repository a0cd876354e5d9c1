using System.Buffers.Binary;
using System.IO.Compression;

namespace LeNetApp;

/// <summary>Reads the Fashion-MNIST test set (IDX files, gzipped or not) and preprocesses it as training did: x/255, NCHW.</summary>
internal sealed class FashionMnistTestSet
{
    private FashionMnistTestSet(float[] images, byte[] labels, int count)
    {
        Images = images;
        Labels = labels;
        Count = count;
    }

    public float[] Images { get; }

    public byte[] Labels { get; }

    public int Count { get; }

    public const int Pixels = 28 * 28;

    /// <summary>The first <paramref name="limit"/> test images from the first folder that has them.</summary>
    public static FashionMnistTestSet Load(IEnumerable<string> folders, int limit)
    {
        foreach (var folder in folders)
        {
            var images = Find(folder, "t10k-images-idx3-ubyte");
            var labels = Find(folder, "t10k-labels-idx1-ubyte");
            if (images is null || labels is null) continue;
            var imageBytes = Payload(images, expectedMagic: 0x803, headerInts: 4);
            var labelBytes = Payload(labels, expectedMagic: 0x801, headerInts: 2);
            var count = Math.Min(limit, Math.Min(labelBytes.Length, imageBytes.Length / Pixels));
            var floats = new float[count * Pixels];
            for (var i = 0; i < floats.Length; i++) floats[i] = imageBytes[i] / 255f;
            return new FashionMnistTestSet(floats, labelBytes[..count], count);
        }
        throw new FileNotFoundException("Fashion-MNIST test files (t10k-images-idx3-ubyte[.gz]) not found in: " + string.Join(", ", folders));
    }

    private static string? Find(string folder, string name) =>
        new[] { Path.Combine(folder, name + ".gz"), Path.Combine(folder, name) }.FirstOrDefault(File.Exists);

    private static byte[] Payload(string path, int expectedMagic, int headerInts)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic) throw new InvalidDataException($"{path}: not an IDX file of the expected kind (magic 0x{magic:x})");
        return bytes[(4 * headerInts)..];
    }
}
