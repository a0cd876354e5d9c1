using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Text.Json;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Plugins;
using AdmmNn.PluginHost.Catalog;
using AdmmNn.PluginHost.Discovery;
using AdmmNn.TestUtilities;

namespace AdmmNn.PluginHost.Tests;

public class PluginLoadingTests
{
    private static readonly LayerWorkload Conv1 =
        new("conv1.weight", "Conv", [20, 1, 5, 5], [1, 28, 28], [20, 24, 24], 288_000, 500, 500, 32, 0, "dense");

    private static PluginCatalog Load(string[] commandLine, string? environment = null, string? toolFolder = null, IEnumerable<IAdmmNnPlugin>? builtIn = null)
    {
        using var emptyTool = new TempDirectory();
        return PluginCatalog.Load(builtIn ?? [], PluginDiscovery.Discover(commandLine, environment ?? "", toolFolder ?? emptyTool.Path));
    }

    [Fact]
    public void The_sample_loads_from_its_build_output_through_the_environment_variable()
    {
        var catalog = Load([], environment: BuiltPlugins.FolderOf(BuiltPlugins.SamplePath));

        Assert.Empty(catalog.Failures);
        var plugin = Assert.Single(catalog.Plugins);
        Assert.Equal("acme", plugin.Manifest.Name);
        Assert.Equal(new Version(1, 2, 0), plugin.Manifest.Version);
        Assert.Equal(PluginSource.EnvironmentVariable, plugin.Source);
        Assert.Equal(BuiltPlugins.SamplePath, plugin.Path);
        Assert.Equal("target", plugin.Kinds);

        // It lives in its own collectible context, yet its types implement the host's contracts.
        var context = AssemblyLoadContext.GetLoadContext(plugin.Instance.GetType().Assembly);
        Assert.NotNull(context);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.True(context!.IsCollectible);
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == "AdmmNn.Abstractions");
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(IAdmmNnPlugin).Assembly));

        var factory = catalog.FindTarget("ACME-systolic");
        Assert.NotNull(factory);
        var target = factory!.Create(null);
        // 20 filters × 25 fan-in: one 32×32 tile, 576 positions + 64 fill/drain cycles at 500 MHz.
        Assert.Equal(640 / 500e6, target.EstimateDense(Conv1).LatencySeconds, 15);
        Assert.Equal(640.0 / 639, target.BreakEvenPruningRatio(Conv1 with { Structure = "block" }), 12);
        Assert.Equal(double.PositiveInfinity, target.BreakEvenPruningRatio(Conv1));
    }

    [Fact]
    public void A_plugin_with_another_version_of_a_package_the_tool_uses_loads_its_own_copy_and_works()
    {
        // The host side: Google.Protobuf 3.25.1 (the ONNX plugin's), loaded in the default context.
        var hostProtobuf = typeof(Google.Protobuf.ByteString).Assembly;
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(hostProtobuf));
        Assert.StartsWith("3.25.1", InformationalVersion(hostProtobuf));

        using var catalog = Load([BuiltPlugins.OwnProtobufPath]);

        Assert.Empty(catalog.Failures);
        var plugin = Assert.Single(catalog.Plugins);
        Assert.Equal("own-protobuf", plugin.Manifest.Name);
        // It works: its target's default profile is a Timestamp serialized, parsed back and formatted by its Google.Protobuf.
        using var profile = JsonDocument.Parse(Assert.Single(catalog.HardwareTargets).Item.DefaultProfileJson);
        Assert.Equal("2023-11-14T22:13:20.000000005Z", profile.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal(8, profile.RootElement.GetProperty("bytes").GetInt32()); // field 1 varint (6 bytes) + field 2 varint (2 bytes)
        Assert.StartsWith("3.21.9", profile.RootElement.GetProperty("protobuf").GetString());

        // ... and the copy it used is its own, from its folder, beside the host's in the same process.
        var pluginContext = AssemblyLoadContext.GetLoadContext(plugin.Instance.GetType().Assembly)!;
        var pluginProtobuf = Assert.Single(pluginContext.Assemblies, a => a.GetName().Name == "Google.Protobuf");
        Assert.NotSame(hostProtobuf, pluginProtobuf);
        Assert.Equal(Path.Combine(BuiltPlugins.FolderOf(BuiltPlugins.OwnProtobufPath), "Google.Protobuf.dll"), pluginProtobuf.Location);
        Assert.StartsWith("3.21.9", InformationalVersion(pluginProtobuf));
    }

    [Fact]
    public void Disposing_the_catalog_unloads_its_plugins()
    {
        var context = LoadSampleThenDispose(out var targetName);
        Assert.Equal("acme-systolic", targetName);
        for (int i = 0; i < 20 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(context.IsAlive, "the plugin's load context is still alive after the catalog was disposed");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference LoadSampleThenDispose(out string targetName)
    {
        var catalog = Load([BuiltPlugins.SamplePath]);
        var plugin = Assert.Single(catalog.Plugins);
        targetName = catalog.HardwareTargets.Single().Item.Name;
        var context = new WeakReference(AssemblyLoadContext.GetLoadContext(plugin.Instance.GetType().Assembly));
        catalog.Dispose();
        return context;
    }

    private static string InformationalVersion(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";

    [Fact]
    public void The_sample_loads_from_a_plugin_option_naming_the_dll_or_from_the_tool_folder()
    {
        var fromOption = Load([BuiltPlugins.SamplePath]);
        Assert.Equal(PluginSource.CommandLine, Assert.Single(fromOption.Plugins).Source);

        using var tool = new TempDirectory();
        BuiltPlugins.Deploy(BuiltPlugins.SamplePath, tool.Combine("plugins", "ThirdPartyTarget"));
        var fromTool = Load([], toolFolder: tool.Combine("plugins"));
        var plugin = Assert.Single(fromTool.Plugins);
        Assert.Equal(PluginSource.ToolFolder, plugin.Source);
        Assert.Equal(tool.Combine("plugins", "ThirdPartyTarget", "ThirdPartyTarget.dll"), plugin.Path);
    }

    [Fact]
    public void Garbage_bytes_are_reported_and_the_others_keep_working()
    {
        using var temp = new TempDirectory();
        var garbage = temp.WriteFile(Path.Combine("Garbage", "Garbage.dll"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7)).ToArray());

        var catalog = Load([temp.Combine("Garbage"), BuiltPlugins.SamplePath]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(garbage, failure.Path);
        Assert.Equal(PluginSource.CommandLine, failure.Source);
        Assert.Contains("not a .NET assembly", failure.Reason);
        Assert.Equal("acme", Assert.Single(catalog.Plugins).Manifest.Name);
        Assert.NotNull(catalog.FindTarget("acme-systolic"));
    }

    [Fact]
    public void A_plugin_built_against_contract_major_2_is_refused_with_the_versions()
    {
        var catalog = Load([BuiltPlugins.ContractMajor2Path, BuiltPlugins.SamplePath]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(BuiltPlugins.ContractMajor2Path, failure.Path);
        Assert.Contains("contract 2.0", failure.Reason);
        Assert.Contains($"supports {ContractVersion.Major}.x", failure.Reason);
        Assert.Equal("acme", Assert.Single(catalog.Plugins).Manifest.Name);
    }

    [Fact]
    public void A_plugin_compiled_against_a_newer_contract_is_refused_although_its_manifest_claims_the_hosts()
    {
        // Its manifest comes from PluginManifest.ForCurrentContract, which runs in the host: it says what the host says.
        // The stamp the compiler baked in from the contracts it saw says 1.99, and that is what counts.
        var catalog = Load([BuiltPlugins.FutureContractPath, BuiltPlugins.SamplePath]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(BuiltPlugins.FutureContractPath, failure.Path);
        Assert.Equal($"plugin 'newer' was compiled against contract 1.99, newer than this host's {ContractVersion.Major}.{ContractVersion.Minor}; " +
            $"update admmnn or build the plugin against contract {ContractVersion.Major}.{ContractVersion.Minor}", failure.Reason);
        Assert.Equal("acme", Assert.Single(catalog.Plugins).Manifest.Name);
    }

    [Fact]
    public void A_throwing_constructor_is_reported_with_its_message()
    {
        var catalog = Load([BuiltPlugins.SamplePath], environment: BuiltPlugins.ThrowingPath);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(BuiltPlugins.ThrowingPath, failure.Path);
        Assert.Equal(PluginSource.EnvironmentVariable, failure.Source);
        Assert.Contains("constructor of ThrowingPlugin.ExplodingPlugin threw InvalidOperationException", failure.Reason);
        Assert.Contains("license file acme.lic not found", failure.Reason);
        Assert.Single(catalog.Plugins);
    }

    [Fact]
    public void An_assembly_without_a_plugin_type_is_reported()
    {
        using var temp = new TempDirectory();
        var plain = temp.Combine("Plain", "Plain.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(plain)!);
        File.Copy(typeof(TempDirectory).Assembly.Location, plain); // a real .NET assembly with no IAdmmNnPlugin

        var failure = Assert.Single(Load([temp.Combine("Plain")]).Failures);
        Assert.Equal(plain, failure.Path);
        Assert.Contains("no public class implementing AdmmNn.Abstractions.Plugins.IAdmmNnPlugin", failure.Reason);
    }

    [Fact]
    public void Missing_paths_and_folders_without_plugins_are_reported()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("empty"));
        var catalog = Load([temp.Combine("nope.dll"), temp.Combine("empty")]);
        Assert.Equal(2, catalog.Failures.Count);
        Assert.Contains(catalog.Failures, f => f.Path == temp.Combine("nope.dll") && f.Reason == "path not found");
        Assert.Contains(catalog.Failures, f => f.Path == temp.Combine("empty") && f.Reason.Contains("no plugin assembly"));
    }

    [Fact]
    public void A_plugins_folder_reports_sub_folders_without_a_plugin_and_loads_the_rest()
    {
        using var temp = new TempDirectory();
        BuiltPlugins.Deploy(BuiltPlugins.SamplePath, temp.Combine("plugins", "ThirdPartyTarget"));
        temp.WriteFile(Path.Combine("plugins", "Leftovers", "Helper.dll"), [0x4d, 0x5a]);

        var catalog = Load([temp.Combine("plugins")]);

        Assert.Equal("acme", Assert.Single(catalog.Plugins).Manifest.Name);
        var failure = Assert.Single(catalog.Failures);
        Assert.Equal(temp.Combine("plugins", "Leftovers"), failure.Path);
        Assert.Contains("expected Leftovers.dll", failure.Reason);
    }

    [Fact]
    public void Every_route_is_searched_and_the_environment_list_is_split()
    {
        using var temp = new TempDirectory();
        var env = string.Join(Path.PathSeparator, BuiltPlugins.ContractMajor2Path, "", BuiltPlugins.ThrowingPath);
        var catalog = Load([BuiltPlugins.SamplePath], environment: env);
        Assert.Single(catalog.Plugins);
        Assert.Equal([BuiltPlugins.ContractMajor2Path, BuiltPlugins.ThrowingPath], catalog.Failures.Select(f => f.Path));
    }

    [Fact]
    public void The_same_plugin_found_twice_loads_once()
    {
        using var copy = new TempDirectory();
        BuiltPlugins.Deploy(BuiltPlugins.SamplePath, copy.Combine("acme"));
        var catalog = Load([BuiltPlugins.SamplePath, BuiltPlugins.SamplePath, copy.Combine("acme", "ThirdPartyTarget.dll")]);
        Assert.Single(catalog.Plugins);
        var failure = Assert.Single(catalog.Failures); // the same path twice is deduplicated; a second copy is refused
        Assert.Contains("plugin name 'acme' is already loaded", failure.Reason);
    }

    [Fact]
    public void Built_in_plugins_are_checked_like_the_others()
    {
        var good = new InProcessPlugin(PluginManifest.ForCurrentContract("inproc", new Version(1, 0), "test"));
        var old = new InProcessPlugin(new PluginManifest("old", new Version(1, 0), ContractVersion.Major + 1, 0, "test"));
        var catalog = Load([BuiltPlugins.SamplePath], builtIn: [good, old]);
        Assert.Equal(["inproc", "acme"], catalog.Plugins.Select(p => p.Manifest.Name));
        Assert.Equal(PluginSource.BuiltIn, catalog.Plugins[0].Source);
        Assert.Contains("built against contract", Assert.Single(catalog.Failures).Reason);
        Assert.NotNull(catalog.FindConstraintKind("inproc-kind"));
    }

    [Fact]
    public void A_plugin_repeating_a_target_name_is_refused()
    {
        var clash = new InProcessPlugin(PluginManifest.ForCurrentContract("clash", new Version(1, 0), "test"), target: "acme-systolic");
        var catalog = Load([BuiltPlugins.SamplePath], builtIn: [clash]);
        Assert.Equal("clash", Assert.Single(catalog.Plugins).Manifest.Name);
        Assert.Contains("target 'acme-systolic' is already provided by plugin 'clash'", Assert.Single(catalog.Failures).Reason);
    }

    private sealed class InProcessPlugin(PluginManifest manifest, string? target = null) : IAdmmNnPlugin
    {
        public PluginManifest Manifest { get; } = manifest;

        public IReadOnlyList<IConstraintKind> Constraints { get; } = [new NamedKind(manifest.Name + "-kind")];

        public IReadOnlyList<IHardwareTargetFactory> HardwareTargets { get; } = target is null ? [] : [new NamedTarget(target)];

        public IReadOnlyList<IModelFormat> ModelFormats { get; } = [];
    }

    private sealed class NamedKind(string name) : IConstraintKind
    {
        public string Name => name;

        public string Description => "test";

        public IWeightProjection Create(WeightLayout layout, JsonElement settings) => throw new NotSupportedException();
    }

    private sealed class NamedTarget(string name) : IHardwareTargetFactory
    {
        public string Name => name;

        public string Description => "test";

        public string DefaultProfileJson => "{}";

        public IHardwareTarget Create(JsonElement? profile) => throw new NotSupportedException();
    }
}
