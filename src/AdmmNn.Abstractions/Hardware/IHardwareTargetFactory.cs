using System.Text.Json;

namespace AdmmNn.Abstractions.Hardware;

/// <summary>Creates a <see cref="IHardwareTarget"/> from a JSON profile users can copy and edit.</summary>
public interface IHardwareTargetFactory
{
    /// <summary>The name users pass to <c>--target</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>admmnn targets</c>.</summary>
    string Description { get; }

    /// <summary>The default profile, as indented JSON with every parameter present.</summary>
    string DefaultProfileJson { get; }

    /// <summary>
    /// Creates the target from a profile (null: the default). Missing fields take default values; invalid ones
    /// throw <see cref="ArgumentException"/> naming the field.
    /// </summary>
    IHardwareTarget Create(JsonElement? profile);
}
