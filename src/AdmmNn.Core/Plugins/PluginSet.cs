using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Models;
using AdmmNn.Diagnostics;

namespace AdmmNn.Core.Plugins;

/// <summary>
/// The extensions a host has loaded (built-in and plugin), in one object that every verb and the
/// <see cref="Compression.Job.CompressionJob"/> take, so each sees the same formats, constraint kinds, targets and
/// dataset formats.
/// Built by the host from its plugin catalog; Core itself never loads assemblies.
/// </summary>
public sealed class PluginSet
{
    /// <summary>Creates the set; the first format claiming a file extension wins, so pass built-in formats first.</summary>
    public PluginSet(IEnumerable<IModelFormat> modelFormats, IEnumerable<IConstraintKind>? constraintKinds = null,
        IEnumerable<IHardwareTargetFactory>? hardwareTargets = null, IEnumerable<IDatasetFormat>? datasetFormats = null)
    {
        ArgumentNullException.ThrowIfNull(modelFormats);
        ModelFormats = [.. modelFormats];
        ConstraintKinds = [.. constraintKinds ?? []];
        HardwareTargets = [.. hardwareTargets ?? []];
        DatasetFormats = [.. datasetFormats ?? []];
    }

    /// <summary>Model formats, built-in first.</summary>
    public IReadOnlyList<IModelFormat> ModelFormats { get; }

    /// <summary>Constraint kinds added by plugins (the built-in kinds are always there, see <see cref="ConstraintKindRegistry"/>).</summary>
    public IReadOnlyList<IConstraintKind> ConstraintKinds { get; }

    /// <summary>Hardware target factories.</summary>
    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; }

    /// <summary>
    /// Dataset formats added by plugins, tried after the built-in ones (AdmmNn.Data) when <c>--data</c> names a path,
    /// so it resolves the same way in every verb.
    /// </summary>
    public IReadOnlyList<IDatasetFormat> DatasetFormats { get; }

    /// <summary>A model store over <see cref="ModelFormats"/>.</summary>
    public ModelStore Models => new(ModelFormats);

    /// <summary>The built-in constraint kinds plus <see cref="ConstraintKinds"/>; a plugin kind that repeats a name is an error.</summary>
    public ConstraintKindRegistry CreateConstraintKinds()
    {
        try
        {
            return new ConstraintKindRegistry(ConstraintKinds);
        }
        catch (InvalidOperationException ex)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Plugin, ex.Message, inner: ex);
        }
    }

    /// <summary>The target factory named <paramref name="name"/> (case-insensitive); an error listing the known targets otherwise.</summary>
    public IHardwareTargetFactory FindTarget(string name) =>
        HardwareTargets.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw DiagnosticException.Error(DiagnosticCodes.Plugin,
            $"unknown target '{name}' (known: {(HardwareTargets.Count == 0 ? "none" : string.Join(", ", HardwareTargets.Select(t => t.Name)))}; a plugin can add one)");
}
