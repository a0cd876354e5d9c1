using AdmmNn.Data.Datasets;
using AdmmNn.Data.Idx;
using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Datasets;

public sealed class DatasetLocatorTests : IDisposable
{
    private readonly TempDirectory _temp = new("admmnn-locator");

    public void Dispose() => _temp.Dispose();

    private string EmptySystemRoot => Directory.CreateDirectory(_temp.Combine("system")).FullName;

    [Fact]
    public void Data_dir_subfolder_named_after_the_set_is_found_first()
    {
        IdxBytes.WriteDataset(_temp.Combine("data", "fashion-mnist"), trainCount: 20);
        IdxBytes.WriteDataset(_temp.Combine("env", "fashion-mnist"), trainCount: 30);

        var set = DatasetLocator.Load("fashion-mnist", _temp.Combine("data"), train: true, _temp.Combine("env"), EmptySystemRoot);

        Assert.Equal(20, set.Count);
        Assert.Equal("fashion-mnist (train)", set.Name);
        Assert.Equal(_temp.Combine("data", "fashion-mnist", "train-images-idx3-ubyte.gz"), set.ImagesPath);
        Assert.Equal("Ankle boot", set.ClassNames[9]);
    }

    [Fact]
    public void Environment_folder_is_used_when_no_data_dir_is_given()
    {
        IdxBytes.WriteDataset(_temp.Combine("env"), testCount: 12, gzip: false);

        var set = DatasetLocator.Load("mnist", null, train: false, _temp.Combine("env"), EmptySystemRoot);

        Assert.Equal(12, set.Count);
        Assert.Equal(_temp.Combine("env", "t10k-labels-idx1-ubyte"), set.LabelsPath);
    }

    [Fact]
    public void System_root_is_searched_last()
    {
        IdxBytes.WriteDataset(_temp.Combine("system", "fashion-mnist"), trainCount: 15);

        var set = DatasetLocator.Load("fashion-mnist", null, train: true, null, _temp.Combine("system"));

        Assert.Equal(15, set.Count);
    }

    [Fact]
    public void A_folder_is_loaded_as_given_and_named_after_itself()
    {
        IdxBytes.WriteDataset(_temp.Combine("my-set"), trainCount: 11);

        var set = DatasetLocator.Load(_temp.Combine("my-set"), null, train: true, null, EmptySystemRoot);

        Assert.Equal("my-set (train)", set.Name);
        Assert.Equal(11, set.Count);
        Assert.Equal(10, set.ClassCount); // derived from the labels 0..9
    }

    [Fact]
    public void Nothing_found_says_exactly_how_to_provide_the_files()
    {
        var ex = Assert.Throws<DatasetNotFoundException>(() =>
            DatasetLocator.Load("fashion-mnist", null, train: true, _temp.Combine("env"), EmptySystemRoot));

        Assert.Equal(
            $"data set 'fashion-mnist' (train split) not found; looked in {_temp.Combine("env", "fashion-mnist")}, {_temp.Combine("env")}, " +
            $"{_temp.Combine("system", "fashion-mnist")}. To provide it, install Debian's package (apt-get install dataset-fashion-mnist; " +
            "it installs to /usr/share/datasets/fashion-mnist), or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, " +
            "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or raw) in a folder DIR (or DIR/fashion-mnist) " +
            "and pass --data-dir DIR or set ADMMNN_DATA=DIR.",
            ex.Message);
    }

    [Fact]
    public void Mnist_has_no_debian_package_to_suggest()
    {
        var ex = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Load("mnist", null, train: true, null, EmptySystemRoot));
        Assert.DoesNotContain("apt-get", ex.Message);
        Assert.Contains("pass --data-dir DIR or set ADMMNN_DATA=DIR", ex.Message);
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var ex = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Load("cifar-10", null, true, null, EmptySystemRoot));
        Assert.Equal("unknown data set 'cifar-10': use fashion-mnist or mnist, or a folder holding IDX files", ex.Message);
    }

    [Fact]
    public void Missing_data_dir_is_reported()
    {
        var dir = _temp.Combine("nope");
        var ex = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Load("fashion-mnist", dir, true, null, EmptySystemRoot));
        Assert.Equal($"data folder '{dir}' does not exist", ex.Message);
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        var dir = _temp.Combine("nope");
        var ex = Assert.Throws<DatasetNotFoundException>(() => DatasetLocator.Load(dir, null, true, null, EmptySystemRoot));
        Assert.Equal($"folder '{dir}' does not exist", ex.Message);
    }

    [Fact]
    public void Folder_with_labels_but_no_images_names_the_missing_file()
    {
        var folder = _temp.Combine("half");
        IdxBytes.WriteDataset(folder);
        File.Delete(Path.Combine(folder, "train-images-idx3-ubyte.gz"));

        var ex = Assert.Throws<InvalidDataFileException>(() => DatasetLocator.Load(folder, null, true, null, EmptySystemRoot));
        Assert.Equal($"{Path.Combine(folder, "train-labels-idx1-ubyte.gz")}: has no matching images file: train-images-idx3-ubyte[.gz] is missing from {folder}", ex.Message);
    }

    [Fact]
    public void Label_out_of_range_is_reported_with_its_index()
    {
        var folder = _temp.Combine("bad-label");
        IdxBytes.WriteDataset(folder);
        var labels = Enumerable.Repeat((byte)1, 20).ToArray();
        labels[13] = 11;
        var path = Path.Combine(folder, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Create([20], labels)));

        var ex = Assert.Throws<InvalidDataFileException>(() => DatasetLocator.Load("fashion-mnist", folder, true, null, EmptySystemRoot));
        Assert.Equal($"{path}: label 11 at index 13 is out of range: fashion-mnist has labels 0..9", ex.Message);
    }

    [Fact]
    public void Label_count_must_match_image_count()
    {
        var folder = _temp.Combine("mismatch");
        IdxBytes.WriteDataset(folder, trainCount: 20);
        var path = Path.Combine(folder, "train-labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Labels(19)));

        var ex = Assert.Throws<InvalidDataFileException>(() => DatasetLocator.Load(folder, null, true, null, EmptySystemRoot));
        Assert.Equal($"{path}: holds 19 labels but train-images-idx3-ubyte.gz holds 20 images", ex.Message);
    }

    [Fact]
    public void Zero_images_are_reported()
    {
        var folder = _temp.Combine("zero");
        IdxBytes.WriteDataset(folder);
        var path = Path.Combine(folder, "t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, IdxBytes.Gzip(IdxBytes.Create([0, 28, 28], [])));

        var ex = Assert.Throws<InvalidDataFileException>(() => DatasetLocator.Load(folder, null, false, null, EmptySystemRoot));
        Assert.Equal($"{path}: holds no images (count 0)", ex.Message);
    }

    [Fact]
    public void Corrupt_file_in_a_found_folder_names_that_file()
    {
        var folder = _temp.Combine("corrupt");
        IdxBytes.WriteDataset(folder);
        var path = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        File.WriteAllText(path, "<html>404 Not Found</html>");

        var ex = Assert.Throws<InvalidDataFileException>(() => DatasetLocator.Load(folder, null, true, null, EmptySystemRoot));
        Assert.StartsWith($"{path}: wrong magic number", ex.Message);
    }
}
