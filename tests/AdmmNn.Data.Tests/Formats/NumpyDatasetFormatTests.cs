using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Formats;

public sealed class NumpyDatasetFormatTests
{
    [Fact]
    public void Npy_folder_of_nhwc_uint8_reads_the_pixels_numpy_wrote()
    {
        using var dataset = DatasetFormats.Open(Fixtures.Path("npy-nhwc"));

        Assert.Equal("numpy", dataset.Format);
        Assert.Equal(["train", "test"], dataset.Splits.Select(s => s.Name));
        Assert.Equal(5, dataset.ClassCount);
        var train = dataset.Splits[0];
        Assert.Equal((6, new SampleShape(5, 4, 3)), (train.Count, train.Shape!.Value));
        for (var n = 0; n < 6; n++) Assert.Equal(Fixtures.Hwc(n, 5, 4, 3), train.Read(n).Bytes);
        Assert.Equal([0, 1, 2, 3, 4, 0], Enumerable.Range(0, 6).Select(train.LabelOf));
        Assert.Equal(Fixtures.Hwc(1, 5, 4, 3), dataset.Splits[1].Read(1).Bytes);
        Assert.Equal(1, dataset.Splits[1].Read(1).Label);
    }

    [Fact]
    public void Npz_of_nchw_float32_is_transposed_to_hwc_floats()
    {
        using var dataset = DatasetFormats.Open(Fixtures.Path("nchw-float.npz"));

        var train = dataset.Splits[0];
        Assert.Equal(new SampleShape(5, 4, 3), train.Shape);
        Assert.Equal(3, dataset.ClassCount);
        var sample = train.Read(3);
        Assert.Null(sample.Bytes);
        // numpy divided float32 values by 255 in float32: the same operation as C#'s v / 255f.
        Assert.Equal(Fixtures.Hwc(3, 5, 4, 3).Select(v => v / 255f), sample.Floats!);
        Assert.Equal(2, sample.Label);
    }

    [Fact]
    public void Keras_style_npz_of_nhw_uint8_has_one_channel()
    {
        using var dataset = DatasetFormats.Open(Fixtures.Path("nhw.npz"));

        Assert.Equal(new SampleShape(6, 7, 1), dataset.Splits[0].Shape);
        Assert.Equal(Fixtures.Hwc(4, 6, 7, 1), dataset.Splits[0].Read(4).Bytes);
        Assert.Equal(3, dataset.Splits[1].Count);
    }

    [Theory]
    [InlineData("bad-dtype", "x_train.npy", "dtype '<f8' is not supported")]
    [InlineData("bad-label-shape", "y_train.npy", "labels have shape (3, 2)")]
    [InlineData("bad-count", "y_train.npy", "holds 2 labels but")]
    [InlineData("bad-fortran", "x_train.npy", "Fortran-order")]
    public void Bad_arrays_written_by_numpy_fail_naming_the_file(string folder, string file, string expected)
    {
        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(Fixtures.Path(folder)));

        Assert.Equal(Fixtures.Path(folder, file), ex.FilePath);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Truncated_npy_fails_naming_the_file_and_the_sizes()
    {
        using var temp = new TempDirectory();
        foreach (var f in new[] { "x_train.npy", "y_train.npy" }) File.Copy(Fixtures.Path("npy-nhwc", f), temp.Combine(f));
        var bytes = File.ReadAllBytes(temp.Combine("x_train.npy"));
        File.WriteAllBytes(temp.Combine("x_train.npy"), bytes[..^10]);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(temp.Path));

        Assert.Equal(temp.Combine("x_train.npy"), ex.FilePath);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Negative_label_fails_with_its_index()
    {
        using var temp = new TempDirectory();
        File.Copy(Fixtures.Path("npy-nhwc", "x_train.npy"), temp.Combine("x_train.npy"));
        var labels = File.ReadAllBytes(Fixtures.Path("npy-nhwc", "y_train.npy"));
        // The data of an int64 (6,) array is its last 48 bytes: make label 4 equal -1.
        for (var i = 0; i < 8; i++) labels[^(16 - i)] = 0xFF;
        File.WriteAllBytes(temp.Combine("y_train.npy"), labels);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(temp.Path));

        Assert.Equal(4, ex.Index);
        Assert.Contains("y_train.npy[4]: label -1 is out of range", ex.Message);
    }

    [Fact]
    public void Corrupt_npz_fails_naming_the_archive()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixtures.Path("nchw-float.npz"));
        var path = temp.WriteFile("broken.npz", bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(path));

        Assert.StartsWith(path, ex.Message);
    }
}
