using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Datasets;
using AdmmNn.Data.Idx;

namespace AdmmNn.Data.Formats;

/// <summary>MNIST-family IDX files in a folder (<c>{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]</c>), read by <see cref="DatasetLocator"/> as before.</summary>
public sealed class IdxDatasetFormat : IDatasetFormat
{
    /// <inheritdoc/>
    public string Name => "idx";

    /// <inheritdoc/>
    public string Description => "MNIST-family IDX files: {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]";

    /// <inheritdoc/>
    public bool CanOpen(string path) =>
        Directory.Exists(path) && Directory.EnumerateFiles(path, "train-images*idx3-ubyte*").Any();

    /// <inheritdoc/>
    public IDataset Open(string path)
    {
        try
        {
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
            var known = KnownDataset.Find(name);
            var train = DatasetLocator.LoadFiles(DatasetLocator.Locate(path, null, true, null, null), known);
            var splits = new List<IDatasetSplit> { new InMemorySplit(DatasetSplitNames.Train, train) };
            LabeledImageSet? test = null;
            try
            {
                test = DatasetLocator.LoadFiles(DatasetLocator.Locate(path, null, false, null, null), known);
                splits.Add(new InMemorySplit(DatasetSplitNames.Test, test));
            }
            catch (DatasetNotFoundException)
            {
                // A training split alone: a validation fraction is held out instead.
            }

            var classes = Math.Max(train.ClassCount, test?.ClassCount ?? 0);
            var names = known?.ClassNames ?? OpenedDataset.NumberedClasses(classes);
            return new OpenedDataset(known?.Name ?? name, Name, splits, names);
        }
        catch (InvalidDataFileException ex)
        {
            throw new DatasetFormatException(ex.FilePath, ex.Problem, inner: ex);
        }
    }
}
