using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Plugins.Asic;
using AdmmNn.Plugins.Fpga;
using AdmmNn.Plugins.HostCpu;
using AdmmNn.Plugins.MobileGpu;
using AdmmNn.TestUtilities;

namespace AdmmNn.Plugins.Targets.Tests;

public class DefaultProfileTests
{
    public static TheoryData<string> ModeledTargets => ["fpga", "asic", "mobile-gpu"];

    private static IHardwareTargetFactory Factory(string name) => name switch
    {
        "fpga" => new FpgaTargetFactory(),
        "asic" => new AsicTargetFactory(),
        "mobile-gpu" => new MobileGpuTargetFactory(),
        "host-cpu" => new HostCpuTargetFactory(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string ReadmeOf(string name) => name switch
    {
        "fpga" => RepoPaths.Combine("plugins", "AdmmNn.Plugins.Fpga", "README.md"),
        "asic" => RepoPaths.Combine("plugins", "AdmmNn.Plugins.Asic", "README.md"),
        "mobile-gpu" => RepoPaths.Combine("plugins", "AdmmNn.Plugins.MobileGpu", "README.md"),
        _ => RepoPaths.Combine("plugins", "AdmmNn.Plugins.HostCpu", "README.md"),
    };

    [Theory]
    [MemberData(nameof(ModeledTargets))]
    public void The_default_profile_read_back_gives_the_same_estimates(string name)
    {
        var factory = Factory(name);
        var fromNull = factory.Create(null);
        var fromJson = factory.Create(JsonDocument.Parse(factory.DefaultProfileJson).RootElement);
        foreach (var layer in new[] { Layers.Conv1(), Layers.Fc1(), Layers.Fc1().Pruned(20_000) })
        {
            Assert.Equal(fromNull.EstimateSparse(layer), fromJson.EstimateSparse(layer));
            Assert.Equal(fromNull.BreakEvenPruningRatio(layer), fromJson.BreakEvenPruningRatio(layer));
        }
    }

    [Theory]
    [MemberData(nameof(ModeledTargets))]
    [InlineData("host-cpu")]
    public void The_readme_shows_the_current_default_profile(string name)
    {
        var readme = File.ReadAllText(ReadmeOf(name));
        var block = Regex.Match(readme, "## Default profile[^\n]*\n+```json\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, $"{ReadmeOf(name)} has no '## Default profile' json block");
        var documented = JsonNode.Parse(block.Groups[1].Value);
        var actual = JsonNode.Parse(Factory(name).DefaultProfileJson);
        Assert.True(JsonNode.DeepEquals(documented, actual), $"README profile differs from DefaultProfileJson:\n{Factory(name).DefaultProfileJson}");
    }

    [Fact]
    public void A_partial_profile_keeps_the_other_defaults()
    {
        var target = (FpgaTarget)new FpgaTargetFactory().Create(JsonDocument.Parse("""{"peCount": 128}""").RootElement);
        Assert.Equal(128, target.MacsPerCycle(32));
        Assert.Equal(3.0, target.BreakEvenPruningRatio(Layers.Fc1()), 6);
    }
}
