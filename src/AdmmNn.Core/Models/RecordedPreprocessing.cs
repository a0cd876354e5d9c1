using AdmmNn.Abstractions.Models;
using AdmmNn.Diagnostics;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Models;

/// <summary>The preprocessing a model file records in its metadata (pixel / 255 when it records none).</summary>
public static class RecordedPreprocessing
{
    /// <summary>
    /// The preprocessing recorded in <paramref name="graph"/>; a <see cref="DiagnosticException"/> naming
    /// <paramref name="path"/> and the metadata key when the record cannot be read.
    /// </summary>
    public static ImagePreprocessing Of(ModelGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        try
        {
            return ImagePreprocessing.FromMetadata(graph.Metadata);
        }
        catch (FormatException ex)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Model, $"metadata {ImagePreprocessing.MetadataKey}: {ex.Message}", path, inner: ex);
        }
    }

    /// <summary>
    /// The preprocessing a run on <paramref name="graph"/> uses: the policy's when it declares one, else the model's record.
    /// </summary>
    public static ImagePreprocessing Choose(ImagePreprocessing declared, ModelGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(graph);
        return declared.Equals(ImagePreprocessing.Default) && graph.Metadata.ContainsKey(ImagePreprocessing.MetadataKey) ? Of(graph, path) : declared;
    }
}
