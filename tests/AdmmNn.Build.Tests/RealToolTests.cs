using System.Reflection;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Build.Tests;

/// <summary>
/// The props/targets and task from this build driving the real admmnn tool (this build's CLI output) with a plugin given
/// as an <c>AdmmNnPlugin</c> item: what a third party's constraint kind does through <c>dotnet build</c>, and how a bad
/// policy shows in the build output.
/// </summary>
[Collection(DotnetBuildCollection.Name)]
public sealed class RealToolTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);
    private readonly TempDirectory _dir = new("admmnn-real-tool");

    public RealToolTests()
    {
        var here = AppContext.BaseDirectory;
        _dir.Write("Directory.Build.props", "<Project />");
        _dir.Write("Directory.Build.targets", "<Project />");
        File.Copy(Path.Combine(RepositoryRootAttribute.Value, "samples", "models", "lenet5-fashion.onnx"), Path.Combine(_dir.Path, "lenet.onnx"));
        _dir.Write("app.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{Path.Combine(here, "build", "AdmmNn.Build.props")}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AdmmNnToolPath>{BuiltOutput("admmnn")}</AdmmNnToolPath>
                <AdmmNnTaskAssembly>{Path.Combine(here, "AdmmNn.Build.dll")}</AdmmNnTaskAssembly>
                <AdmmNnCacheDirectory>{Path.Combine(_dir.Path, "cache")}</AdmmNnCacheDirectory>
              </PropertyGroup>
              <ItemGroup>
                <AdmmNnModel Include="lenet.onnx" Policy="rowcap.json" Data="fashion-mnist" />
                <AdmmNnPlugin Include="{BuiltOutput("RowCapPlugin")}" />
              </ItemGroup>
              <Import Project="{Path.Combine(here, "build", "AdmmNn.Build.targets")}" />
            </Project>
            """);
        _dir.Write("Program.cs", "System.Console.WriteLine(\"ok\");");
    }

    private string Packed => Path.Combine(_dir.Path, "obj", "Debug", "net10.0", "admmnn", "lenet.admmnn");

    private (int ExitCode, string Output) Build() =>
        DotnetCli.Run(_dir.Path, new Dictionary<string, string>(), BuildTimeout, ["build", "-tl:off", "-v:n", "-nodeReuse:false"]);

    [Fact]
    public void A_plugin_constraint_kind_given_as_an_AdmmNnPlugin_item_shapes_the_embedded_model()
    {
        _dir.Write("rowcap.json", """
            {
              "seed": 5,
              "layers": [ { "match": "fc*.weight", "constraint": { "kind": "row-cap", "k": 6 } } ],
              "schedule": {
                "batchSize": 32, "maxBatchesPerEpoch": 3, "admmInterval": 1, "monitorSamples": 50,
                "admmPrune": { "epochs": 1, "learningRate": 0.0005 }, "retrain": { "epochs": 1, "learningRate": 0.0005 },
                "admmQuantize": { "epochs": 0 }, "finetune": { "epochs": 0 }
              },
              "data": { "trainSamples": 200, "testSamples": 100 }
            }
            """);
        var result = Build();
        Assert.True(result.ExitCode == 0, result.Output);

        // Read back from the packed file the build embeds: at most k = 6 nonzeros in every output row.
        using var stream = File.OpenRead(Packed);
        var graph = PackedModelReader.Read(stream).Graph;
        foreach (var name in new[] { "fc1.weight", "fc2.weight" })
        {
            var init = graph.Initializers.Single(i => i.Name == name);
            var (rows, columns) = ((int)init.Dims[0], (int)init.Dims[1]);
            var perRow = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, columns).Count(c => init.Floats![r * columns + c] != 0)).ToList();
            Assert.All(perRow, n => Assert.InRange(n, 0, 6));
            Assert.True(perRow.Sum() > rows, name);
        }
    }

    [Fact]
    public void A_broken_policy_fails_the_build_with_its_code_file_and_line()
    {
        _dir.Write("rowcap.json", "{\n  \"layers\": [\n    { \"match\": \"fc*.weight\",\n      \"prune\": { \"keep\": 0.5, \"keep\": 0.2 } }\n  ]\n}\n");
        var result = Build();
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"{Path.Combine(_dir.Path, "rowcap.json")}(4): error ADMMNN011: layers[0].prune.keep repeats key 'keep' (first given on line 4)", result.Output);
        Assert.False(File.Exists(Packed));
    }

    private static string BuiltOutput(string name) =>
        typeof(RealToolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "Built:" + name)?.Value
        ?? throw new InvalidOperationException($"no Built:{name} metadata: see StampBuiltOutputPaths in the project file");

    public void Dispose() => _dir.Dispose();
}
