using System.CommandLine;
using System.Globalization;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;

namespace AdmmNn.Cli.Commands;

/// <summary><c>admmnn inspect model.onnx</c>: the model's weight layers with their share of weights and of multiply-accumulates.</summary>
public static class InspectCommand
{
    /// <summary>Builds the verb.</summary>
    public static Command Create(CliConsole console)
    {
        var command = new Command("inspect", "Show a model's layers: op, weight shape, parameters, share of weights and of multiply-accumulates.");
        var model = new Argument<string>("model") { Description = "Model file (.onnx)." };
        command.Arguments.Add(model);
        command.SetAction(parse => Run(console, parse.GetValue(model)!,
            () => CliPlugins.Load(parse, console, quiet: true).Models));
        return command;
    }

    private static int Run(CliConsole console, string path, Func<Core.Models.ModelStore> store)
    {
        var graph = store().Load(path);
        IReadOnlyList<Abstractions.Hardware.LayerWorkload> layers;
        try
        {
            layers = BreakEvenAnalyzer.Workloads(graph, null);
        }
        catch (ShapeInferenceException ex)
        {
            throw new UserErrorException($"{path}: {ex.Message}", inner: ex);
        }

        var input = graph.Inputs.FirstOrDefault();
        var output = graph.Outputs.FirstOrDefault();
        console.Out.WriteLine($"{Path.GetFileName(path)}: opset {graph.OpsetVersion}, IR {graph.IrVersion}, producer {(graph.ProducerName.Length > 0 ? $"{graph.ProducerName} {graph.ProducerVersion}".Trim() : "unknown")}");
        console.Out.WriteLine($"input  {Describe(input)}");
        console.Out.WriteLine($"output {Describe(output)}");
        console.Out.WriteLine($"{graph.Nodes.Count} nodes: {string.Join(", ", graph.Nodes.GroupBy(n => n.OpType).Select(g => g.Count() > 1 ? $"{g.Key}×{g.Count()}" : g.Key))}");
        console.Out.WriteLine();

        long totalWeights = layers.Sum(l => l.Weights);
        long totalMacs = layers.Sum(l => l.DenseMacs);
        var table = new CliTable()
            .AddColumn("layer").AddColumn("op").AddColumn("weight shape").AddColumn("parameters", alignRight: true)
            .AddColumn("nonzero", alignRight: true).AddColumn("weights %", alignRight: true).AddColumn("MACs", alignRight: true)
            .AddColumn("MACs %", alignRight: true);
        long layerParameters = 0;
        foreach (var layer in layers)
        {
            var node = graph.Nodes.First(n => n.Inputs.Count > 1 && n.Inputs[1] == layer.Name);
            // A layer's parameters: its weight plus its bias (the third input, when an initializer).
            var bias = node.Inputs.Count > 2 ? graph.Initializer(node.Inputs[2]) : null;
            var parameters = layer.Weights + (bias?.ElementCount ?? 0);
            layerParameters += parameters;
            table.AddRow(
                node.Name, layer.OpType, $"[{string.Join("x", graph.Initializer(layer.Name)!.Dims)}]", Count(parameters),
                Count(layer.NonZeros), Percent(layer.Weights, totalWeights), Count(layer.DenseMacs), Percent(layer.DenseMacs, totalMacs));
        }
        table.AddRow("total", "", "", Count(layerParameters), Count(layers.Sum(l => l.NonZeros)), Percent(totalWeights, totalWeights), Count(totalMacs), Percent(totalMacs, totalMacs));
        table.Write(console);

        var allParameters = graph.Initializers.Where(t => t.Floats is not null).Sum(t => t.ElementCount);
        console.Out.WriteLine();
        console.Out.WriteLine($"{Count(allParameters)} float parameters in all ({Count(allParameters * 4)} bytes as float32); MACs are per sample.");
        foreach (var (key, value) in graph.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            console.Out.WriteLine($"metadata {key} = {value}");
        return ExitCodes.Ok;
    }

    private static string Describe(ValueInfo? value) =>
        value is null ? "(none)"
        : $"{value.Name} {value.ElementType} [{string.Join(",", value.Dims.Select((d, i) => d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : value.SymbolicDims?.ElementAtOrDefault(i) ?? "?"))}]";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture);
}
