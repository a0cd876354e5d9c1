using System.Reflection;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace OwnProtobufPlugin;

/// <summary>A plugin whose target factory does its work with its own Google.Protobuf.</summary>
public sealed class ProtobufTimestampPlugin : IAdmmNnPlugin
{
    public PluginManifest Manifest { get; } = PluginManifest.ForCurrentContract("own-protobuf", new Version(1, 0), "uses its own Google.Protobuf");

    public IReadOnlyList<IConstraintKind> Constraints { get; } = [];

    public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = [new ProtobufProfileTarget()];

    public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
}

/// <summary>Its default profile is computed by Google.Protobuf: a Timestamp written to bytes, parsed back and formatted as JSON.</summary>
public sealed class ProtobufProfileTarget : IHardwareTargetFactory
{
    public string Name => "protobuf-profile";

    public string Description => "default profile made by the plugin's own Google.Protobuf";

    public string DefaultProfileJson
    {
        get
        {
            var stamp = new Timestamp { Seconds = 1_700_000_000, Nanos = 5 };
            var parsed = Timestamp.Parser.ParseFrom(stamp.ToByteArray());
            var version = typeof(IMessage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
            return $$"""{ "protobuf": "{{version}}", "timestamp": {{JsonFormatter.Default.Format(parsed)}}, "bytes": {{stamp.CalculateSize()}} }""";
        }
    }

    public IHardwareTarget Create(System.Text.Json.JsonElement? profile) => throw new NotSupportedException("a loading fixture, not a target");
}
