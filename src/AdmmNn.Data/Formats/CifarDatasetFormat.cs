using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>
/// CIFAR-10 and CIFAR-100 binary versions: a folder (or its <c>cifar-10-batches-bin</c> / <c>cifar-100-binary</c> subfolder)
/// with <c>data_batch_1..5.bin</c> + <c>test_batch.bin</c> (CIFAR-10, 10 classes from <c>batches.meta.txt</c>) or
/// <c>train.bin</c> + <c>test.bin</c> (CIFAR-100, the 100 fine labels from <c>fine_label_names.txt</c>).
/// </summary>
public sealed class CifarDatasetFormat : IDatasetFormat
{
    /// <inheritdoc/>
    public string Name => "cifar";

    /// <inheritdoc/>
    public string Description => "CIFAR-10/100 binary batches (data_batch_*.bin + test_batch.bin, or train.bin + test.bin)";

    /// <inheritdoc/>
    public bool CanOpen(string path) => Resolve(path) is not null;

    /// <inheritdoc/>
    public IDataset Open(string path)
    {
        var (folder, is100) = Resolve(path) ?? throw new DatasetFormatException(path, "holds no CIFAR binary batches (data_batch_1.bin, or train.bin + test.bin)");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        var classNames = ClassNames(folder, is100);
        var labelBytes = is100 ? 2 : 1;
        var trainFiles = is100
            ? [Path.Combine(folder, "train.bin")]
            : Directory.GetFiles(folder, "data_batch_*.bin").Order(StringComparer.Ordinal).ToArray();
        var testFile = Path.Combine(folder, is100 ? "test.bin" : "test_batch.bin");
        var train = new CifarSplit(DatasetSplitNames.Train, trainFiles, labelBytes, classNames.Count);
        if (!File.Exists(testFile)) return new OpenedDataset(name, Name, [train], classNames, train);
        CifarSplit test;
        try
        {
            test = new CifarSplit(DatasetSplitNames.Test, [testFile], labelBytes, classNames.Count);
        }
        catch
        {
            train.Dispose();
            throw;
        }

        return new OpenedDataset(name, Name, [train, test], classNames, train, test);
    }

    private static (string Folder, bool Is100)? Resolve(string path)
    {
        if (!Directory.Exists(path)) return null;
        foreach (var folder in new[] { path, Path.Combine(path, "cifar-10-batches-bin"), Path.Combine(path, "cifar-100-binary") })
        {
            if (File.Exists(Path.Combine(folder, "data_batch_1.bin"))) return (folder, false);
            if (File.Exists(Path.Combine(folder, "train.bin")) && File.Exists(Path.Combine(folder, "test.bin"))) return (folder, true);
        }

        return null;
    }

    private static IReadOnlyList<string> ClassNames(string folder, bool is100)
    {
        var count = is100 ? 100 : 10;
        var file = Path.Combine(folder, is100 ? "fine_label_names.txt" : "batches.meta.txt");
        if (File.Exists(file))
        {
            var names = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            if (names.Length == count) return names;
        }

        return OpenedDataset.NumberedClasses(count);
    }
}
