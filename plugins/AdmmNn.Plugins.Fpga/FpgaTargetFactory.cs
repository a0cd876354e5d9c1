using System.Text.Json;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Shared;

namespace AdmmNn.Plugins.Fpga;

/// <summary>Creates <see cref="FpgaTarget"/>s from <see cref="FpgaProfile"/> JSON.</summary>
public sealed class FpgaTargetFactory : IHardwareTargetFactory
{
    /// <inheritdoc />
    public string Name => FpgaTarget.TargetName;

    /// <inheritdoc />
    public string Description => "FPGA PE array (DSPs, BRAM, clock, DDR bandwidth); prefers PE-wise block sparsity and ternary weights";

    /// <inheritdoc />
    public string DefaultProfileJson => ProfileJson.Write(new FpgaProfile());

    /// <inheritdoc />
    public IHardwareTarget Create(JsonElement? profile)
    {
        var read = ProfileJson.Read<FpgaProfile>(profile, Name);
        read.Validate();
        return new FpgaTarget(read);
    }
}
