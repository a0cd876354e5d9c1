using AdmmNn.Data.Idx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Idx;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-idx");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_dimensions_and_data_raw_or_gzipped(bool gzip)
    {
        var raw = IdxBytes.Images(3, 4, 5);
        var path = _temp.WriteFile(gzip ? "x.gz" : "x", gzip ? IdxBytes.Gzip(raw) : raw);

        var array = IdxReader.Read(path, expectedDimensions: 3);

        Assert.Equal([3, 4, 5], array.Dimensions);
        Assert.Equal(raw.AsSpan(16).ToArray(), array.Data);
        Assert.Equal(path, array.Path);
    }

    [Fact]
    public void Gzip_is_recognized_by_content_not_extension()
    {
        var path = _temp.WriteFile("labels-without-gz-extension", IdxBytes.Gzip(IdxBytes.Labels(7)));
        Assert.Equal(7, IdxReader.Read(path, 1).Dimensions[0]);
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        var path = _temp.WriteFile("empty-idx1-ubyte", []);
        AssertFails(path, "file is empty (0 bytes)");
    }

    [Fact]
    public void Tiny_gzip_stream_is_reported_as_truncated_header()
    {
        var path = _temp.WriteFile("tiny.gz", IdxBytes.Gzip([0, 0]));
        AssertFails(path, "truncated header: the decompressed data holds 2 byte(s), but the IDX magic number alone needs 4");
    }

    [Fact]
    public void Text_file_has_wrong_magic()
    {
        var path = _temp.WriteFile("notes.txt", "hello, world\n");
        AssertFails(path, "wrong magic number 0x68656C6C");
    }

    [Fact]
    public void Unsupported_element_type_is_named()
    {
        var path = _temp.WriteFile("floats", IdxBytes.Create([2], new byte[8], elementType: 0x0D));
        AssertFails(path, "element type Float32 (0x0D) is not supported; expected unsigned bytes (0x08)");
    }

    [Fact]
    public void Unknown_element_type_is_named()
    {
        var path = _temp.WriteFile("odd", IdxBytes.Create([2], new byte[2], elementType: 0x07));
        AssertFails(path, "unknown element type 0x07");
    }

    [Fact]
    public void Wrong_dimension_count_is_reported()
    {
        var path = _temp.WriteFile("labels-as-images", IdxBytes.Labels(5));
        var ex = Assert.Throws<InvalidDataFileException>(() => IdxReader.Read(path, expectedDimensions: 3));
        Assert.Equal($"{path}: has 1 dimension(s) but 3 are expected (images: count x height x width)", ex.Message);
    }

    [Fact]
    public void Zero_dimensions_are_reported()
    {
        var path = _temp.WriteFile("scalar", IdxBytes.Create([], [1]));
        AssertFails(path, "the magic number declares 0 dimensions");
    }

    [Fact]
    public void Truncated_header_is_reported()
    {
        var full = IdxBytes.Images(2, 2, 2);
        var path = _temp.WriteFile("short-header", full[..10]);
        AssertFails(path, "truncated header: 3 dimension(s) need 12 bytes after the magic number but only 6 follow");
    }

    [Fact]
    public void Truncated_data_is_reported_with_declared_and_actual_sizes()
    {
        var full = IdxBytes.Images(10, 28, 28);
        var path = _temp.WriteFile("train-images-idx3-ubyte", full[..^100]);
        AssertFails(path, "truncated: the header declares 10 x 28 x 28 = 7,840 bytes of data but only 7,740 follow the 16-byte header");
    }

    [Fact]
    public void Truncated_gzip_is_reported()
    {
        var gz = IdxBytes.Gzip(IdxBytes.Images(10, 28, 28));
        var path = _temp.WriteFile("cut.gz", gz[..(gz.Length / 2)]);
        var ex = Assert.Throws<InvalidDataFileException>(() => IdxReader.Read(path));
        Assert.StartsWith($"{path}: ", ex.Message);
        Assert.True(ex.Problem.StartsWith("truncated", StringComparison.Ordinal) || ex.Problem.StartsWith("corrupt gzip data", StringComparison.Ordinal), ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Trailing_bytes_are_reported()
    {
        var path = _temp.WriteFile("long", [.. IdxBytes.Labels(4), 1, 2, 3]);
        AssertFails(path, "3 unexpected trailing byte(s) after the 4 bytes of data the header declares (4)");
    }

    [Fact]
    public void Trailing_bytes_in_gzip_are_reported()
    {
        var path = _temp.WriteFile("long.gz", IdxBytes.Gzip([.. IdxBytes.Labels(4), 9]));
        AssertFails(path, "1 unexpected trailing byte(s) after the 4 bytes of data the header declares (4)");
    }

    [Fact]
    public void Impossible_dimension_is_reported()
    {
        var bytes = IdxBytes.Labels(4);
        bytes[4] = 0xFF; // count = 0xFF000004
        var path = _temp.WriteFile("huge", bytes);
        AssertFails(path, "dimension 0 has the impossible size 4278190084");
    }

    [Fact]
    public void Huge_declared_size_in_a_small_gzip_is_rejected_before_allocating()
    {
        var path = _temp.WriteFile("bomb.gz", IdxBytes.Gzip(IdxBytes.Create([60000, 28, 280], new byte[10])));
        var ex = Assert.Throws<InvalidDataFileException>(() => IdxReader.Read(path));
        Assert.Contains("the header declares 60000 x 28 x 280 = 470,400,000 bytes of data, more than a ", ex.Message);
    }

    [Fact]
    public void Size_beyond_any_array_is_rejected()
    {
        var path = _temp.WriteFile("too-big", IdxBytes.Create([60000, 280, 280], new byte[10]));
        AssertFails(path, "the header declares 60000 x 280 x 280 elements, more than one array can hold (corrupt header?)");
    }

    [Fact]
    public void Missing_file_is_file_not_found_naming_the_path()
    {
        var path = _temp.Combine("absent");
        var ex = Assert.Throws<FileNotFoundException>(() => IdxReader.Read(path));
        Assert.Equal($"{path}: file not found", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_truncation_and_bit_flip_fails_cleanly(bool gzip)
    {
        // A seeded mutation loop: any damage gives InvalidDataFileException (or a read that still checks out), never another exception.
        var raw = IdxBytes.Images(3, 5, 4);
        var original = gzip ? IdxBytes.Gzip(raw) : raw;
        var random = new Random(1234);
        var cases = Enumerable.Range(0, original.Length).Select(n => original[..n]).ToList();
        for (var i = 0; i < 300; i++)
        {
            var flipped = (byte[])original.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            cases.Add(flipped);
        }

        var path = _temp.Combine("mutant");
        foreach (var bytes in cases)
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                var array = IdxReader.Read(path);
                Assert.Equal(array.Dimensions.Aggregate(1L, (a, d) => a * d), array.Data.LongLength);
            }
            catch (InvalidDataFileException ex)
            {
                Assert.StartsWith(path + ": ", ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
            }
        }
    }

    private static void AssertFails(string path, string problem)
    {
        var ex = Assert.Throws<InvalidDataFileException>(() => IdxReader.Read(path));
        Assert.Equal($"{path}: {problem}", ex.Message.Length > path.Length + 2 + problem.Length ? ex.Message[..(path.Length + 2 + problem.Length)] : ex.Message);
        Assert.Equal(path, ex.FilePath);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
