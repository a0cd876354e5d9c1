using System.Text.Json;

namespace AdmmNn.Core.Policy;

/// <summary>Optional <c>hardware</c> section: a target name (plugin catalog) and its profile settings.</summary>
public sealed class HardwareTargetSpec
{
    /// <summary>Target name, e.g. <c>fpga</c>.</summary>
    public string Target { get; set; } = "";

    /// <summary>Target-specific settings, passed to the target factory as is.</summary>
    public JsonElement? Profile { get; set; }
}
