using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>The built-in dataset formats, and opening a path with the first format (built-in or plugin) that recognizes it.</summary>
public static class DatasetFormats
{
    /// <summary>IDX, CIFAR binary, NumPy and image folders, in the order they are tried.</summary>
    public static IReadOnlyList<IDatasetFormat> BuiltIn { get; } =
        [new IdxDatasetFormat(), new CifarDatasetFormat(), new NumpyDatasetFormat(), new ImageFolderDatasetFormat()];

    /// <summary>Opens <paramref name="path"/> with the first of <see cref="BuiltIn"/> then <paramref name="plugins"/> whose <see cref="IDatasetFormat.CanOpen"/> is true.</summary>
    /// <exception cref="DatasetFormatException">No format recognizes the path, or the one that does finds it unusable.</exception>
    public static IDataset Open(string path, IEnumerable<IDatasetFormat>? plugins = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new DatasetFormatException(path, "no such file or folder");
        var formats = BuiltIn.Concat(plugins ?? []).ToList();
        var format = formats.FirstOrDefault(f => f.CanOpen(path))
            ?? throw new DatasetFormatException(path, $"is not a dataset any format recognizes ({string.Join("; ", formats.Select(f => $"{f.Name}: {f.Description}"))})");
        return format.Open(path);
    }
}
