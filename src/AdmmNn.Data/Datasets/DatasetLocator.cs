using AdmmNn.Data.Idx;

namespace AdmmNn.Data.Datasets;

/// <summary>
/// Finds and loads MNIST-family data sets. A name (fashion-mnist, mnist) is searched, in order, in
/// the <c>--data-dir DIR</c> folder, the <c>ADMMNN_DATA</c> folder (each as DIR/&lt;name&gt;/ and then DIR itself) and
/// Debian's <c>/usr/share/datasets/&lt;name&gt;/</c>; a folder is used as given. A folder holds
/// <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte</c>, each gzipped (<c>.gz</c>) or raw.
/// </summary>
public static class DatasetLocator
{
    /// <summary>The environment variable naming a folder of data sets.</summary>
    public const string EnvironmentVariable = "ADMMNN_DATA";

    /// <summary>Where Debian's dataset-* packages install data sets.</summary>
    public const string SystemDatasetsRoot = "/usr/share/datasets";

    /// <summary>
    /// Loads the training (<paramref name="train"/> = true) or test split of <paramref name="nameOrDir"/>.
    /// </summary>
    /// <param name="nameOrDir">A known name (fashion-mnist, mnist) or a folder holding the IDX files.</param>
    /// <param name="dataDir">The <c>--data-dir DIR</c> option, searched first; may be null.</param>
    /// <param name="train">True for the training split, false for the test split.</param>
    /// <exception cref="DatasetNotFoundException">Nothing found; the message says how to provide the files.</exception>
    /// <exception cref="InvalidDataFileException">A file was found but is unusable; the message names it.</exception>
    public static LabeledImageSet Load(string nameOrDir, string? dataDir, bool train) =>
        Load(nameOrDir, dataDir, train, Environment.GetEnvironmentVariable(EnvironmentVariable), SystemDatasetsRoot);

    /// <summary>As <see cref="Load(string, string?, bool)"/> with the environment folder and the system root given explicitly (for tests).</summary>
    public static LabeledImageSet Load(string nameOrDir, string? dataDir, bool train, string? environmentDir, string? systemRoot)
    {
        var files = Locate(nameOrDir, dataDir, train, environmentDir, systemRoot);
        return LoadFiles(files, KnownDataset.Find(files.Name));
    }

    /// <summary>Finds the files of one split without reading them.</summary>
    /// <exception cref="DatasetNotFoundException">Nothing found; the message says how to provide the files.</exception>
    /// <exception cref="InvalidDataFileException">A folder holds only one of the split's two files.</exception>
    public static DatasetFiles Locate(string nameOrDir, string? dataDir, bool train, string? environmentDir, string? systemRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrDir);
        if (!string.IsNullOrEmpty(dataDir) && !Directory.Exists(dataDir))
            throw new DatasetNotFoundException($"data folder '{dataDir}' does not exist", dataDir);

        var known = KnownDataset.Find(nameOrDir);
        var looksLikePath = nameOrDir.Contains('/') || nameOrDir.Contains(Path.DirectorySeparatorChar) || nameOrDir.StartsWith('.');
        if (known is null || looksLikePath)
        {
            if (Directory.Exists(nameOrDir))
            {
                return FindInFolder(nameOrDir, train, FolderName(nameOrDir))
                       ?? throw new DatasetNotFoundException(
                           $"folder '{nameOrDir}' holds no {SplitFileNames(train)}; {HowToProvide(null)}", nameOrDir);
            }

            if (File.Exists(nameOrDir))
                throw new DatasetNotFoundException($"'{nameOrDir}' is a file; pass the folder holding the IDX files ({SplitFileNames(train)})", nameOrDir);
            if (looksLikePath)
                throw new DatasetNotFoundException($"folder '{nameOrDir}' does not exist", nameOrDir);
            throw new DatasetNotFoundException(
                $"unknown data set '{nameOrDir}': use {string.Join(" or ", KnownDataset.All.Select(d => d.Name))}, or a folder holding IDX files", nameOrDir);
        }

        var searched = new List<string>();
        foreach (var folder in CandidateFolders(known.Name, dataDir, environmentDir, systemRoot))
        {
            searched.Add(folder);
            if (FindInFolder(folder, train, known.Name) is { } found) return found;
        }

        throw new DatasetNotFoundException(
            $"data set '{known.Name}' ({(train ? "train" : "test")} split) not found; looked in {string.Join(", ", searched.Distinct())}. {HowToProvide(known)}");
    }

    /// <summary>Reads and cross-checks the two files of a split.</summary>
    /// <param name="files">The files.</param>
    /// <param name="known">The known data set, whose class names and 10-class range are then enforced; null derives the class count from the labels.</param>
    public static LabeledImageSet LoadFiles(DatasetFiles files, KnownDataset? known)
    {
        ArgumentNullException.ThrowIfNull(files);
        var images = IdxReader.Read(files.ImagesPath, expectedDimensions: 3);
        var labels = IdxReader.Read(files.LabelsPath, expectedDimensions: 1);
        int count = images.Dimensions[0], height = images.Dimensions[1], width = images.Dimensions[2];
        if (count == 0) throw new InvalidDataFileException(files.ImagesPath, "holds no images (count 0)");
        if (height == 0 || width == 0) throw new InvalidDataFileException(files.ImagesPath, $"images have the empty size {height}x{width}");
        if (labels.Dimensions[0] != count)
            throw new InvalidDataFileException(files.LabelsPath, $"holds {labels.Dimensions[0]:N0} labels but {Path.GetFileName(files.ImagesPath)} holds {count:N0} images");

        var max = labels.Data.Max();
        var classCount = known?.ClassNames.Count ?? max + 1;
        if (max >= classCount)
        {
            var index = Array.IndexOf(labels.Data, max);
            throw new InvalidDataFileException(files.LabelsPath, $"label {max} at index {index:N0} is out of range: {known!.Name} has labels 0..{classCount - 1}");
        }

        var split = files.Train ? "train" : "test";
        return new LabeledImageSet($"{files.Name} ({split})", 1, height, width, classCount, images.Data, labels.Data, known?.ClassNames)
        {
            ImagesPath = files.ImagesPath,
            LabelsPath = files.LabelsPath,
        };
    }

    /// <summary>The folders searched for a known name, in order.</summary>
    public static IEnumerable<string> CandidateFolders(string name, string? dataDir, string? environmentDir, string? systemRoot)
    {
        foreach (var root in new[] { dataDir, environmentDir })
        {
            if (string.IsNullOrEmpty(root)) continue;
            yield return Path.Combine(root, name);
            yield return root;
        }

        if (!string.IsNullOrEmpty(systemRoot)) yield return Path.Combine(systemRoot, name);
    }

    /// <summary>The split's file names, e.g. for messages.</summary>
    public static string SplitFileNames(bool train)
    {
        var prefix = train ? "train" : "t10k";
        return $"{prefix}-images-idx3-ubyte[.gz] and {prefix}-labels-idx1-ubyte[.gz]";
    }

    private static DatasetFiles? FindInFolder(string folder, bool train, string name)
    {
        if (!Directory.Exists(folder)) return null;
        var prefix = train ? "train" : "t10k";
        var images = FirstExisting(folder, $"{prefix}-images-idx3-ubyte", $"{prefix}-images.idx3-ubyte");
        var labels = FirstExisting(folder, $"{prefix}-labels-idx1-ubyte", $"{prefix}-labels.idx1-ubyte");
        if (images is null && labels is null) return null;
        if (images is null)
            throw new InvalidDataFileException(labels!, $"has no matching images file: {prefix}-images-idx3-ubyte[.gz] is missing from {folder}");
        if (labels is null)
            throw new InvalidDataFileException(images, $"has no matching labels file: {prefix}-labels-idx1-ubyte[.gz] is missing from {folder}");
        return new DatasetFiles(name, train, images, labels);
    }

    private static string? FirstExisting(string folder, params string[] baseNames)
    {
        foreach (var baseName in baseNames)
        {
            foreach (var candidate in new[] { baseName + ".gz", baseName })
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path)) return path;
            }
        }

        return null;
    }

    private static string FolderName(string folder) =>
        Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));

    private static string HowToProvide(KnownDataset? known)
    {
        var files = "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (gzipped or raw)";
        var name = known?.Name ?? "<name>";
        var manual = $"put {files} in a folder DIR (or DIR/{name}) and pass --data-dir DIR or set {EnvironmentVariable}=DIR";
        return known?.DebianPackage is { } package
            ? $"To provide it, install Debian's package (apt-get install {package}; it installs to {SystemDatasetsRoot}/{known.Name}), or {manual}."
            : $"To provide it, {manual}.";
    }
}
