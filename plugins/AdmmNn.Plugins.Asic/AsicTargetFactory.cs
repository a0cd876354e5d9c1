using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Asic;

/// <summary>Creates <see cref="AsicTarget"/>s from <see cref="AsicProfile"/> JSON.</summary>
public sealed class AsicTargetFactory : IHardwareTargetFactory
{
    /// <inheritdoc />
    public string Name => AsicTarget.TargetName;

    /// <inheritdoc />
    public string Description => "ASIC MAC array: energy per op and per memory access by bit width and level (Horowitz 45 nm), SRAM area";

    /// <inheritdoc />
    public string DefaultProfileJson => ProfileJson.Write(new AsicProfile());

    /// <inheritdoc />
    public IHardwareTarget Create(JsonElement? profile)
    {
        var read = ProfileJson.Read<AsicProfile>(profile, Name);
        read.Validate();
        return new AsicTarget(read);
    }
}
