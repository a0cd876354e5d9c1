using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Datasets;

/// <summary>
/// What <c>--data</c> (and MSBuild <c>Data=</c>) resolves to: a known name or a folder of IDX files is read by
/// <see cref="DatasetLocator"/> exactly as before; any other path is opened by the first <see cref="IDatasetFormat"/> that
/// recognizes it (image folders, CIFAR, NumPy, plugins). Splits follow <see cref="SplitPlan"/>; the preprocessing's
/// geometry is applied while reading and its scaling by <see cref="LabeledImageSet.ToFloatImages"/>.
/// </summary>
public static class DataSource
{
    /// <summary>The validation fraction used for image folders, NumPy and CIFAR when the policy names none.</summary>
    public const double DefaultValidationFraction = 0.1;

    /// <summary>Loads the train, validation and test splits of <paramref name="data"/>.</summary>
    /// <param name="data">A name (fashion-mnist, mnist) or a path.</param>
    /// <param name="dataDir">The <c>--data-dir</c> folder searched first for names; may be null.</param>
    /// <param name="preprocessing">The preprocessing to apply.</param>
    /// <param name="validationFraction">Held-out fraction; null = <see cref="DefaultValidationFraction"/> for file formats, none for IDX.</param>
    /// <param name="seed">Seeds the held-out samples.</param>
    /// <param name="plugins">Dataset formats from plugins, tried after the built-in ones.</param>
    /// <param name="threads">Decoding threads.</param>
    /// <exception cref="DatasetFormatException">A file is unusable (one line naming it).</exception>
    /// <exception cref="DatasetNotFoundException">Nothing found.</exception>
    public static LoadedData Load(string data, string? dataDir, ImagePreprocessing preprocessing, double? validationFraction, int seed,
        IEnumerable<IDatasetFormat>? plugins = null, int threads = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        if (IsIdx(data))
        {
            var train = DatasetLocator.Load(data, dataDir, train: true);
            var test = DatasetLocator.Load(data, dataDir, train: false);
            var geometric = preprocessing with { DivideBy = 255f, Mean = [], Std = [], RandomCropPadding = 0, HorizontalFlip = false };
            if (validationFraction is null or 0 && geometric.Equals(ImagePreprocessing.Default))
            {
                return new LoadedData(train.WithPreprocessing(preprocessing), null, test.WithPreprocessing(preprocessing),
                    new Dictionary<string, string> { ["train"] = train.Name, ["test"] = test.Name });
            }

            // Held-out validation or a resize/crop/colour: through the same split planning and reading as the file formats.
            using var idx = new OpenedDataset(train.Name.Split(' ')[0], "idx",
                [new InMemorySplit(DatasetSplitNames.Train, train), new InMemorySplit(DatasetSplitNames.Test, test)], train.ClassNames);
            return FromDataset(idx, preprocessing, validationFraction ?? 0, seed, threads);
        }

        using var dataset = DatasetFormats.Open(data, plugins);
        return FromDataset(dataset, preprocessing, validationFraction ?? DefaultValidationFraction, seed, threads);
    }

    /// <summary>
    /// Plans <paramref name="data"/> for streaming when its format is read sample by sample (image folders, plugin formats):
    /// nothing is decoded but the first training sample, which fixes the shape. Null for the formats that are read whole anyway
    /// (IDX, NumPy, CIFAR): <see cref="Load"/> those.
    /// </summary>
    /// <exception cref="DatasetFormatException">A file is unusable (one line naming it).</exception>
    public static StreamedData? TryStream(string data, ImagePreprocessing preprocessing, double? validationFraction, int seed,
        IEnumerable<IDatasetFormat>? plugins = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (IsIdx(data)) return null;
        var dataset = DatasetFormats.Open(data, plugins);
        try
        {
            if (dataset.Format is "idx" or "numpy" or "cifar")
            {
                dataset.Dispose();
                return null;
            }

            var plan = SplitPlan.For(dataset, validationFraction ?? DefaultValidationFraction, seed);
            if (plan.Train.Count == 0) throw new DatasetFormatException(dataset.Name, "the train split is empty");
            if (dataset.ClassCount > 256) throw new DatasetFormatException(dataset.Name, $"{dataset.ClassCount} classes: at most 256 are supported");
            var first = plan.Train.Read(0);
            var (_, shape) = preprocessing.Geometry(first);
            try
            {
                preprocessing.CheckChannels(shape.Channels);
            }
            catch (ArgumentException ex)
            {
                throw new DatasetFormatException(first.Source, ex.Message, 0, ex);
            }

            return new StreamedData(dataset, plan.Train, plan.Validation, plan.Test, preprocessing, shape, plan.Origins);
        }
        catch
        {
            dataset.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="data"/> as an <see cref="IDataset"/> without reading samples (IDX files are read whole, as always).</summary>
    public static IDataset Open(string data, string? dataDir, IEnumerable<IDatasetFormat>? plugins = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        if (!IsIdx(data)) return DatasetFormats.Open(data, plugins);
        var train = DatasetLocator.Load(data, dataDir, train: true);
        var test = DatasetLocator.Load(data, dataDir, train: false);
        return new OpenedDataset(train.Name.Split(' ')[0], "idx",
            [new InMemorySplit(DatasetSplitNames.Train, train), new InMemorySplit(DatasetSplitNames.Test, test)],
            train.ClassCount >= test.ClassCount ? train.ClassNames : test.ClassNames);
    }

    /// <summary>Where an IDX split's images came from, or null for other formats.</summary>
    public static string? ImagesPath(IDatasetSplit split) => (split as InMemorySplit)?.ImagesPath;

    /// <summary>Loads only the test split (what <c>evaluate</c> needs), as <see cref="Load"/> would.</summary>
    public static LabeledImageSet LoadTest(string data, string? dataDir, ImagePreprocessing preprocessing, double? validationFraction, int seed,
        IEnumerable<IDatasetFormat>? plugins = null, int threads = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(data);
        if (IsIdx(data))
        {
            var test = DatasetLocator.Load(data, dataDir, train: false);
            var geometric = preprocessing with { DivideBy = 255f, Mean = [], Std = [], RandomCropPadding = 0, HorizontalFlip = false };
            if (geometric.Equals(ImagePreprocessing.Default)) return test.WithPreprocessing(preprocessing);
            using var idx = new OpenedDataset(test.Name.Split(' ')[0], "idx", [new InMemorySplit(DatasetSplitNames.Test, test)], test.ClassNames);
            return DatasetMaterializer.Load(idx, idx.Splits[0], preprocessing, threads);
        }

        using var dataset = DatasetFormats.Open(data, plugins);
        var plan = SplitPlan.For(dataset, validationFraction ?? DefaultValidationFraction, seed);
        return DatasetMaterializer.Load(dataset, plan.Test, preprocessing, threads);
    }

    /// <summary>True when <paramref name="data"/> is read by <see cref="DatasetLocator"/>: a known name, or a folder of IDX files.</summary>
    public static bool IsIdx(string data)
    {
        var looksLikePath = data.Contains('/') || data.Contains(Path.DirectorySeparatorChar) || data.StartsWith('.');
        if (KnownDataset.Find(data) is not null && !looksLikePath) return true;
        if (Directory.Exists(data)) return new IdxDatasetFormat().CanOpen(data);
        return !File.Exists(data); // nothing there: the locator says where it looked
    }

    private static LoadedData FromDataset(IDataset dataset, ImagePreprocessing preprocessing, double fraction, int seed, int threads)
    {
        var plan = SplitPlan.For(dataset, fraction, seed);
        var train = DatasetMaterializer.Load(dataset, plan.Train, preprocessing, threads);
        var test = DatasetMaterializer.Load(dataset, plan.Test, preprocessing, threads);
        var validation = plan.Validation is null ? null : DatasetMaterializer.Load(dataset, plan.Validation, preprocessing, threads);
        return new LoadedData(train, validation, test, plan.Origins);
    }
}
