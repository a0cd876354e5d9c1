using System.IO.Compression;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Numpy;

namespace AdmmNn.Data.Formats;

/// <summary>
/// NumPy arrays: a <c>.npz</c> archive or a folder of <c>.npy</c> files, named <c>x_train</c>/<c>y_train</c>,
/// <c>x_test</c>/<c>y_test</c> (Keras' naming; <c>x_val</c>/<c>y_val</c> optional) or <c>train_images</c>/<c>train_labels</c> etc.
/// Images N×H×W, N×C×H×W or N×H×W×C, uint8 or float32; labels (N,) of any integer type; class count = largest label + 1.
/// </summary>
public sealed class NumpyDatasetFormat : IDatasetFormat
{
    /// <inheritdoc/>
    public string Name => "numpy";

    /// <inheritdoc/>
    public string Description => "NumPy .npz archive or folder of .npy files (x_train/y_train, x_test/y_test; uint8 or float32 images)";

    /// <inheritdoc/>
    public bool CanOpen(string path) =>
        (File.Exists(path) && path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        || (Directory.Exists(path) && Names("train").Any(n => File.Exists(Path.Combine(path, n.Images + ".npy"))));

    /// <inheritdoc/>
    public IDataset Open(string path)
    {
        var opened = new List<NpyArray>();
        try
        {
            Func<string, NpyArray?> find;
            if (File.Exists(path))
            {
                ZipArchive zip;
                try
                {
                    zip = ZipFile.OpenRead(path);
                }
                catch (InvalidDataException ex)
                {
                    throw new DatasetFormatException(path, $"not a readable .npz (zip) archive: {ex.Message}", inner: ex);
                }

                using (zip)
                {
                    var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);
                    var arrays = new Dictionary<string, NpyArray>();
                    foreach (var key in AllKeys())
                    {
                        if (entries.TryGetValue(key + ".npy", out var entry)) arrays[key] = NpyArray.ReadEntry(entry, path);
                    }

                    opened.AddRange(arrays.Values);
                    find = key => arrays.GetValueOrDefault(key);
                    return Build(path, find, opened, $"entries {string.Join(", ", entries.Keys)}");
                }
            }

            if (!Directory.Exists(path)) throw new DatasetFormatException(path, "no such file or folder");
            find = key =>
            {
                var file = Path.Combine(path, key + ".npy");
                if (!File.Exists(file)) return null;
                var array = NpyArray.OpenFile(file);
                opened.Add(array);
                return array;
            };
            return Build(path, find, opened, "no x_train.npy or train_images.npy");
        }
        catch
        {
            foreach (var a in opened) a.Dispose();
            throw;
        }
    }

    private static OpenedDataset Build(string path, Func<string, NpyArray?> find, List<NpyArray> opened, string whatIsThere)
    {
        var splits = new List<NumpySplit>();
        foreach (var split in new[] { DatasetSplitNames.Train, DatasetSplitNames.Validation, DatasetSplitNames.Test })
        {
            foreach (var (imagesKey, labelsKey) in Names(split))
            {
                var images = find(imagesKey);
                if (images is null) continue;
                var labels = find(labelsKey) ?? throw new DatasetFormatException(images.Name, $"has no labels: {labelsKey}.npy is missing");
                splits.Add(new NumpySplit(split, images, labels));
                break;
            }
        }

        if (splits.Count == 0 || splits[0].Name != DatasetSplitNames.Train)
            throw new DatasetFormatException(path, $"holds no training split (x_train + y_train, or train_images + train_labels); found {whatIsThere}");
        var shapes = splits.Select(s => s.Shape!.Value).Distinct().ToList();
        if (shapes.Count > 1) throw new DatasetFormatException(splits.First(s => s.Shape != shapes[0]).Source, $"images are {splits.First(s => s.Shape != shapes[0]).Shape} but the training images are {shapes[0]}");
        var classes = splits.Max(s => s.MaxLabel) + 1;
        if (classes < 1) throw new DatasetFormatException(path, "holds no labels");
        var name = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));
        return new OpenedDataset(name, "numpy", splits, OpenedDataset.NumberedClasses(classes), opened.ToArray());
    }

    private static IEnumerable<(string Images, string Labels)> Names(string split) =>
        [($"x_{split}", $"y_{split}"), ($"{split}_images", $"{split}_labels")];

    private static IEnumerable<string> AllKeys() =>
        new[] { DatasetSplitNames.Train, DatasetSplitNames.Validation, DatasetSplitNames.Test }.SelectMany(Names).SelectMany(n => new[] { n.Images, n.Labels });
}
