using System.Reflection;

namespace AdmmNn.PluginHost.Tests;

/// <summary>Build outputs of the plugins under test, as stamped into this assembly by the project file.</summary>
internal static class BuiltPlugins
{
    public static string SamplePath => PathOf("ThirdPartyTarget");

    public static string ContractMajor2Path => PathOf("ContractMajor2Plugin");

    public static string ThrowingPath => PathOf("ThrowingPlugin");

    public static string OwnProtobufPath => PathOf("OwnProtobufPlugin");
    public static string FutureContractPath => PathOf("FutureContractPlugin");

    public static string RowCapPath => PathOf("RowCapPlugin");

    public static string FolderOf(string dll) => Path.GetDirectoryName(dll)!;

    private static string PathOf(string name)
    {
        var path = typeof(BuiltPlugins).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "Plugin:" + name)?.Value
            ?? throw new InvalidOperationException($"no Plugin:{name} metadata: see StampPluginPaths in the project file");
        Assert.True(File.Exists(path), $"plugin build output missing: {path}");
        return path;
    }

    /// <summary>Copies a plugin's whole output folder to <paramref name="destination"/> (as a user would deploy it).</summary>
    public static void Deploy(string dll, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(FolderOf(dll)))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
    }
}
