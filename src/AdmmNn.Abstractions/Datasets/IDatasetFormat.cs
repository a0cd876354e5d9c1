namespace AdmmNn.Abstractions.Datasets;

/// <summary>
/// A dataset plugin kind: recognizes a file or folder layout and opens it as an <see cref="IDataset"/>.
/// Built in: IDX, image folders, CIFAR binary batches, NumPy .npy/.npz; plugins add more through
/// <see cref="Plugins.IAdmmNnPlugin.DatasetFormats"/>.
/// </summary>
public interface IDatasetFormat
{
    /// <summary>Short unique name users type, e.g. <c>image-folder</c>.</summary>
    string Name { get; }

    /// <summary>One line for listings: what layout it reads.</summary>
    string Description { get; }

    /// <summary>True when <paramref name="path"/> looks like this format (a cheap check of names and magic bytes, no full read).</summary>
    bool CanOpen(string path);

    /// <summary>Opens <paramref name="path"/>. Reads headers and file lists only; samples are read on demand.</summary>
    /// <exception cref="DatasetFormatException">The path is not usable; the message names the file (and the sample index).</exception>
    IDataset Open(string path);
}
