using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>
/// torchvision's <c>ImageFolder</c> layout: <c>ROOT/train/&lt;class&gt;/*.png|jpg|jpeg|bmp</c> with <c>ROOT/test/</c> (or
/// <c>ROOT/val/</c>; with both, val is the validation split and test the test split), or <c>ROOT/&lt;class&gt;/…</c> as a
/// training split alone. Classes are the training split's folder names in ordinal order (label = position), files are taken
/// in ordinal name order, and other files are ignored, as torchvision does.
/// </summary>
public sealed class ImageFolderDatasetFormat : IDatasetFormat
{
    /// <summary>The file extensions read (case-insensitive).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <inheritdoc/>
    public string Name => "image-folder";

    /// <inheritdoc/>
    public string Description => "image folders as torchvision ImageFolder: train/<class>/*.png|jpg|jpeg|bmp, test/ or val/";

    /// <inheritdoc/>
    public bool CanOpen(string path)
    {
        if (!Directory.Exists(path)) return false;
        var root = Directory.Exists(Path.Combine(path, "train")) ? Path.Combine(path, "train") : path;
        return Directory.EnumerateDirectories(root).Any(d => Directory.EnumerateFiles(d).Any(IsImage));
    }

    /// <inheritdoc/>
    public IDataset Open(string path)
    {
        if (!Directory.Exists(path)) throw new DatasetFormatException(path, "no such folder");
        var trainRoot = Path.Combine(path, "train");
        var hasTrain = Directory.Exists(trainRoot);
        if (!hasTrain) trainRoot = path;
        var classes = Directory.GetDirectories(trainRoot).Select(Path.GetFileName).OfType<string>()
            .Where(n => hasTrain || !IsSplitName(n)).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0) throw new DatasetFormatException(trainRoot, "holds no class folders (expected train/<class>/*.png)");
        var splits = new List<IDatasetSplit> { Split(DatasetSplitNames.Train, trainRoot, classes) };
        if (hasTrain)
        {
            var test = Path.Combine(path, "test");
            var val = Path.Combine(path, "val");
            if (Directory.Exists(val) && Directory.Exists(test)) splits.Add(Split(DatasetSplitNames.Validation, val, classes));
            if (Directory.Exists(test)) splits.Add(Split(DatasetSplitNames.Test, test, classes));
            else if (Directory.Exists(val)) splits.Add(Split(DatasetSplitNames.Test, val, classes));
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        return new OpenedDataset(name, Name, splits, classes);
    }

    private static ImageFolderSplit Split(string split, string root, string[] classes)
    {
        var files = new List<(string, int)>();
        var present = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unknown = present.Where(p => Array.IndexOf(classes, p) < 0).Order(StringComparer.Ordinal).FirstOrDefault();
        if (unknown is not null)
            throw new DatasetFormatException(Path.Combine(root, unknown), $"is a class folder the training split does not have (classes: {string.Join(", ", classes)})");
        for (var label = 0; label < classes.Length; label++)
        {
            var folder = Path.Combine(root, classes[label]);
            if (!present.Contains(classes[label])) continue;
            var images = Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal).ToList();
            if (images.Count == 0) throw new DatasetFormatException(folder, "class folder holds no .png, .jpg, .jpeg or .bmp files");
            files.AddRange(images.Select(f => (f, label)));
        }

        if (files.Count == 0) throw new DatasetFormatException(root, "holds no images");
        return new ImageFolderSplit(split, files);
    }

    private static bool IsSplitName(string name) => name is "test" or "val";

    private static bool IsImage(string file) => Extensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
