using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Formats;

/// <summary>A split of an image folder: one file per sample, decoded when read.</summary>
internal sealed class ImageFolderSplit(string name, IReadOnlyList<(string Path, int Label)> files) : IDatasetSplit
{
    public string Name { get; } = name;

    public int Count => files.Count;

    /// <summary>Null: files may differ in size until a resize and crop make them equal.</summary>
    public SampleShape? Shape => null;

    public string PathOf(int index) => files[index].Path;

    public int LabelOf(int index) => files[index].Label;

    public DatasetSample Read(int index)
    {
        var (path, label) = files[index];
        byte[] encoded;
        try
        {
            encoded = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(path, $"cannot be read: {ex.Message}", index, ex);
        }

        try
        {
            var (pixels, shape) = ImageDecoder.Decode(encoded);
            return new DatasetSample(shape, pixels, label, path);
        }
        catch (InvalidDataException ex)
        {
            throw new DatasetFormatException(path, ex.Message, index, ex);
        }
    }
}
