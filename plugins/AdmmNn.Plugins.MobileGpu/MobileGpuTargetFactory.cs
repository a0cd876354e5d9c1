using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.MobileGpu;

/// <summary>Creates <see cref="MobileGpuTarget"/>s from <see cref="MobileGpuProfile"/> JSON.</summary>
public sealed class MobileGpuTargetFactory : IHardwareTargetFactory
{
    /// <inheritdoc />
    public string Name => MobileGpuTarget.TargetName;

    /// <inheritdoc />
    public string Description => "Mobile GPU roofline (throughput, bandwidth) with sparse-kernel efficiency factors";

    /// <inheritdoc />
    public string DefaultProfileJson => ProfileJson.Write(new MobileGpuProfile());

    /// <inheritdoc />
    public IHardwareTarget Create(JsonElement? profile)
    {
        var read = ProfileJson.Read<MobileGpuProfile>(profile, Name);
        read.Validate();
        return new MobileGpuTarget(read);
    }
}
