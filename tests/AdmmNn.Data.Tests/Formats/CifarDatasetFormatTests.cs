using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Formats;

public sealed class CifarDatasetFormatTests
{
    [Fact]
    public void Cifar10_batches_written_by_numpy_read_back_as_hwc_with_their_labels_and_names()
    {
        using var dataset = DatasetFormats.Open(Fixtures.Path("cifar10"));

        Assert.Equal("cifar", dataset.Format);
        Assert.Equal(10, dataset.ClassCount);
        Assert.Equal("truck", dataset.ClassNames[9]);
        var train = dataset.Splits[0];
        Assert.Equal(5, train.Count);
        Assert.Equal([0, 9, 3, 5, 1], Enumerable.Range(0, 5).Select(train.LabelOf));
        // Sample 4 is the second record of data_batch_2.bin.
        var sample = train.Read(4);
        Assert.Equal(Fixtures.Hwc(4, 32, 32, 3), sample.Bytes);
        Assert.EndsWith("data_batch_2.bin[1]", sample.Source);
        var test = dataset.Splits[1];
        Assert.Equal(("test", 2), (test.Name, test.Count));
        Assert.Equal(Fixtures.Hwc(6, 32, 32, 3), test.Read(1).Bytes);
    }

    [Fact]
    public void Cifar100_uses_the_fine_label()
    {
        using var dataset = DatasetFormats.Open(Fixtures.Path("cifar100"));

        Assert.Equal(100, dataset.ClassCount);
        Assert.Equal([99, 0, 42], Enumerable.Range(0, 3).Select(dataset.Splits[0].LabelOf));
        Assert.Equal(Fixtures.Hwc(2, 32, 32, 3), dataset.Splits[0].Read(2).Bytes);
    }

    [Fact]
    public void Label_out_of_range_fails_naming_file_and_record()
    {
        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(Fixtures.Path("cifar10-bad-label")));

        Assert.Equal(Fixtures.Path("cifar10-bad-label", "data_batch_1.bin"), ex.FilePath);
        Assert.Equal(1, ex.Index);
        Assert.Contains("label 10 is out of range", ex.Message);
    }

    [Fact]
    public void Truncated_batch_fails_naming_the_file()
    {
        using var temp = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixtures.Path("cifar10", "cifar-10-batches-bin", "data_batch_1.bin"));
        var path = temp.WriteFile("data_batch_1.bin", bytes[..^100]);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(temp.Path));

        Assert.Equal(path, ex.FilePath);
        Assert.Contains("not a whole number of 3073-byte records", ex.Message);
    }
}
