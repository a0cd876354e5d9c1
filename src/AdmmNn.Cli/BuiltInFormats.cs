using AdmmNn.Abstractions.Formats;
using AdmmNn.Core.Models;
using AdmmNn.Plugins.Onnx;

namespace AdmmNn.Cli;

/// <summary>The model formats the tool always has (ONNX, linked directly), and the model store built from them.</summary>
public static class BuiltInFormats
{
    /// <summary>Formats compiled into the tool.</summary>
    public static IReadOnlyList<IModelFormat> All { get; } = [new OnnxFormat()];

    /// <summary>A store over the built-in formats followed by <paramref name="pluginFormats"/> (built-ins win on a shared extension).</summary>
    public static ModelStore CreateStore(IEnumerable<IModelFormat>? pluginFormats = null) =>
        new(All.Concat(pluginFormats ?? []));
}
