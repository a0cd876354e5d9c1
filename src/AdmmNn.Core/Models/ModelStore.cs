using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Shared;

namespace AdmmNn.Core.Models;

/// <summary>
/// Loads and saves model files, choosing the <see cref="IModelFormat"/> by file extension. Errors name the file;
/// saving is atomic (a temporary file in the same folder, then a rename), so a crash never leaves half a model.
/// </summary>
public sealed class ModelStore
{
    private readonly IReadOnlyList<IModelFormat> formats;

    /// <summary>Creates a store over <paramref name="formats"/>; the first format claiming an extension wins.</summary>
    public ModelStore(IEnumerable<IModelFormat> formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        this.formats = [.. formats];
    }

    /// <summary>The formats this store knows.</summary>
    public IReadOnlyList<IModelFormat> Formats => formats;

    /// <summary>The format for <paramref name="path"/>'s extension; throws <see cref="ModelFormatException"/> naming the file if none.</summary>
    public IModelFormat FormatFor(string path)
    {
        var extension = Path.GetExtension(path);
        foreach (var format in formats)
            if (format.FileExtensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase)))
                return format;
        var known = string.Join(", ", formats.SelectMany(f => f.FileExtensions).Distinct());
        throw new ModelFormatException($"{path}: no model format reads '{(extension.Length > 0 ? extension : "(no extension)")}' files (known: {(known.Length > 0 ? known : "none")})");
    }

    /// <summary>Reads the model at <paramref name="path"/>. External data files resolve relative to its folder.</summary>
    public ModelGraph Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = FormatFor(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: model file not found", path);
        var fullPath = Path.GetFullPath(path);
        try
        {
            using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            return format.Read(stream, Path.GetDirectoryName(fullPath));
        }
        catch (ModelFormatException ex)
        {
            throw new ModelFormatException($"{path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/> atomically, replacing any existing file.</summary>
    public void Save(ModelGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(path);
        var format = FormatFor(path);
        try
        {
            AtomicFile.Write(path, stream => format.Write(graph, stream), createDirectory: true);
        }
        catch (ModelFormatException ex)
        {
            throw new ModelFormatException($"{path}: {ex.Message}", ex);
        }
    }
}
