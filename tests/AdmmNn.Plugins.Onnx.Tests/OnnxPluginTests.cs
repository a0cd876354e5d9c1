using AdmmNn.Abstractions.Plugins;

namespace AdmmNn.Plugins.Onnx.Tests;

public sealed class OnnxPluginTests
{
    [Fact]
    public void Exposes_the_onnx_format_under_the_current_contract()
    {
        IAdmmNnPlugin plugin = new OnnxPlugin();
        Assert.Equal("onnx", plugin.Manifest.Name);
        Assert.Equal(ContractVersion.Major, plugin.Manifest.ContractMajor);
        var format = Assert.Single(plugin.ModelFormats);
        Assert.IsType<OnnxFormat>(format);
        Assert.Equal([".onnx"], format.FileExtensions);
        Assert.Empty(plugin.Constraints);
        Assert.Empty(plugin.HardwareTargets);
    }
}
