using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.HostCpu;

/// <summary>Creates <see cref="HostCpuTarget"/>s from <see cref="HostCpuProfile"/> JSON.</summary>
public sealed class HostCpuTargetFactory : IHardwareTargetFactory
{
    /// <inheritdoc />
    public string Name => HostCpuTarget.TargetName;

    /// <inheritdoc />
    public string Description => "This machine's CPU: times the runtime's dense and sparse kernels per layer shape (measured, cached)";

    /// <inheritdoc />
    public string DefaultProfileJson => ProfileJson.Write(new HostCpuProfile());

    /// <inheritdoc />
    public IHardwareTarget Create(JsonElement? profile)
    {
        var read = ProfileJson.Read<HostCpuProfile>(profile, Name);
        read.Validate();
        return new HostCpuTarget(read, new RuntimeKernelTimer(), TimingCache.Open(read));
    }
}
