using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.Onnx;

/// <summary>The ONNX plugin: adds the <c>.onnx</c> model format. The CLI also links it directly as its built-in format.</summary>
public sealed class OnnxPlugin : IAdmmNnPlugin
{
    /// <inheritdoc />
    public PluginManifest Manifest { get; } =
        PluginManifest.ForCurrentContract("onnx", new Version(0, 1, 0), $"ONNX models (.onnx), opsets {OnnxFormat.MinOpset} to {OnnxFormat.MaxOpset}");

    /// <inheritdoc />
    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [];

    /// <inheritdoc />
    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [new OnnxFormat()];
}
