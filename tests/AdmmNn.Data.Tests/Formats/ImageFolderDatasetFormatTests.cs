using System.Diagnostics;
using System.Globalization;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Formats;

/// <summary>Fashion-MNIST written as PNG folders by samples/datasets/write_image_folder.py, read back and compared with the IDX reader.</summary>
public sealed class ImageFolderDatasetFormatTests : IClassFixture<ImageFolderDatasetFormatTests.PngFolder>
{
    private readonly PngFolder _png;

    public ImageFolderDatasetFormatTests(PngFolder png) => _png = png;

    /// <summary>The first 300 train and test images of Fashion-MNIST as PNG folders, written once for the class.</summary>
    public sealed class PngFolder : IDisposable
    {
        public const int Limit = 300;

        public PngFolder()
        {
            Root = Temp.Combine("fashion-png");
            var folder = Path.GetDirectoryName(TestData.FashionMnistTest.ImagesPath)!;
            var start = new ProcessStartInfo("/usr/bin/python3", [RepoPaths.Combine("samples", "datasets", "write_image_folder.py"), folder, Root, "--limit", Limit.ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"write_image_folder.py failed: {error}");
        }

        public TempDirectory Temp { get; } = new();

        public string Root { get; }

        public void Dispose() => Temp.Dispose();
    }

    [Fact]
    public void Png_folders_give_tensors_bit_identical_to_the_idx_reader()
    {
        using var dataset = DatasetFormats.Open(_png.Root);
        Assert.Equal("image-folder", dataset.Format);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), dataset.ClassNames);
        var split = (ImageFolderSplit)dataset.Splits.Single(s => s.Name == "test");
        Assert.Equal(PngFolder.Limit, split.Count);

        var fromPng = DatasetMaterializer.Load(dataset, split, ImagePreprocessing.Default);
        var idx = TestData.FashionMnistTest;
        var pngFloats = fromPng.ToFloatImages();
        var idxFloats = idx.ToFloatImages();
        for (var i = 0; i < split.Count; i++)
        {
            // File names hold the IDX index; folders the label.
            var index = int.Parse(Path.GetFileNameWithoutExtension(split.PathOf(i)), CultureInfo.InvariantCulture);
            Assert.Equal(idx.Labels[index], fromPng.Labels[i]);
            Assert.Equal(idx.Pixels.AsSpan(index * 784, 784).ToArray(), fromPng.Pixels.AsSpan(i * 784, 784).ToArray());
            Assert.True(idxFloats.AsSpan(index * 784, 784).SequenceEqual(pngFloats.AsSpan(i * 784, 784)));
        }
    }

    [Fact]
    public void Truncated_png_fails_naming_the_file_and_index()
    {
        using var temp = new TempDirectory();
        var good = File.ReadAllBytes(Directory.GetFiles(Path.Combine(_png.Root, "train", "3"))[0]);
        temp.WriteFile("train/a/1.png", good);
        var bad = temp.WriteFile("train/a/2.png", good[..(good.Length / 2)]);
        temp.WriteFile("train/b/1.png", good);
        using var dataset = DatasetFormats.Open(temp.Path);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetMaterializer.Load(dataset, dataset.Splits[0], ImagePreprocessing.Default));

        Assert.Equal(bad, ex.FilePath);
        Assert.Equal(1, ex.Index);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Garbage_with_an_image_extension_fails_naming_the_file()
    {
        using var temp = new TempDirectory();
        var bad = temp.WriteFile("train/a/x.jpg", "this is not a jpeg at all, just text");
        using var dataset = DatasetFormats.Open(temp.Path);

        var ex = Assert.Throws<DatasetFormatException>(() => dataset.Splits[0].Read(0));

        Assert.Equal(bad, ex.FilePath);
    }

    [Fact]
    public void Empty_class_folder_fails_naming_it()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("train/a/1.png", File.ReadAllBytes(Directory.GetFiles(Path.Combine(_png.Root, "train", "3"))[0]));
        Directory.CreateDirectory(temp.Combine("train", "b"));
        temp.WriteFile("train/b/readme.txt", "not an image");

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(temp.Path));

        Assert.Equal(temp.Combine("train", "b"), ex.FilePath);
        Assert.Contains("holds no .png", ex.Message);
    }

    [Fact]
    public void Mixed_sizes_fail_without_a_resize_and_load_with_one()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("train/a/1.png", TestPng.Grey(4, 6, 10));
        var odd = temp.WriteFile("train/a/2.png", TestPng.Grey(5, 6, 20));
        using var dataset = DatasetFormats.Open(temp.Path);

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetMaterializer.Load(dataset, dataset.Splits[0], ImagePreprocessing.Default));
        Assert.Equal(odd, ex.FilePath);
        Assert.Contains("declare data.resize", ex.Message);

        var fixedSize = DatasetMaterializer.Load(dataset, dataset.Splits[0], new ImagePreprocessing { Resize = 4, CenterCrop = 4 });
        Assert.Equal((1, 4, 4, 2), (fixedSize.Channels, fixedSize.Height, fixedSize.Width, fixedSize.Count));
        Assert.All(fixedSize.Pixels.AsSpan(16).ToArray(), p => Assert.Equal(20, p));
    }

    [Fact]
    public void Test_class_folder_unknown_to_train_fails()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("train/a/1.png", TestPng.Grey(2, 2, 1));
        var extra = temp.WriteFile("test/zzz/1.png", TestPng.Grey(2, 2, 1));

        var ex = Assert.Throws<DatasetFormatException>(() => DatasetFormats.Open(temp.Path));

        Assert.Equal(Path.GetDirectoryName(extra), ex.FilePath);
    }
}
