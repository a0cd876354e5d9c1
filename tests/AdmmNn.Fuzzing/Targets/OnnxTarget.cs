using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Format;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using RuntimeInvalidModel = AdmmNn.Runtime.InvalidModelException;

namespace AdmmNn.Fuzzing.Targets;

/// <summary>
/// The ONNX format's read (only <see cref="ModelFormatException"/> allowed), then for a graph that loads: packing it
/// (<see cref="ArgumentException"/>: the CLI's "cannot pack"), loading the packed bytes in the runtime
/// (<see cref="RuntimeInvalidModel"/>) and one run there; and, when the runtime accepted the graph (its element and work
/// budgets bound what a run may cost), one forward pass of the training engine
/// (<see cref="UnsupportedModelException"/> / the engine's <see cref="AdmmNn.Tensors.Modules.InvalidModelException"/>).
/// Not thorough: the read only.
/// </summary>
public sealed class OnnxTarget : IFuzzTarget
{
    private static readonly CompressedModelOptions Options = new() { Threads = 1 };
    private readonly OnnxFormat _format = new();

    /// <summary>Milliseconds spent per stage so far (where the campaign's time goes).</summary>
    public Dictionary<string, double> StageMilliseconds { get; } = [];

    /// <inheritdoc />
    public string Name => "onnx";

    /// <inheritdoc />
    public string Extension => ".onnx";

    /// <inheritdoc />
    public FuzzOutcome Run(byte[] bytes, bool thorough = true)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string timed = "read";
        void Mark(string next)
        {
            StageMilliseconds[timed] = StageMilliseconds.GetValueOrDefault(timed) + clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            timed = next;
        }
        ModelGraph graph;
        try
        {
            graph = _format.FromBytes(bytes);
        }
        catch (ModelFormatException ex)
        {
            return new FuzzOutcome(FuzzVerdict.Rejected, ex, "read");
        }
        catch (Exception ex)
        {
            return new FuzzOutcome(FuzzVerdict.Defect, ex, "read");
        }

        string stage = "pack";
        Mark(stage);
        if (!thorough) return new FuzzOutcome(FuzzVerdict.Ran, null, "read");
        try
        {
            using var packed = new MemoryStream();
            PackedModelWriter.Write(graph, packed);
            stage = "runtime load";
            Mark(stage);
            var model = CompressedModel.Load(packed.ToArray(), Options);
            stage = "runtime run";
            Mark(stage);
            model.Predict(new float[model.InputSize]);
            stage = "engine";
            Mark(stage);
            var module = GraphModule.FromGraph(graph);
            // Every real input, zero, at its declared shape (symbolic dims (-1) get 1; a fixed 0 stays 0: the engine
            // accepts only the declared size); Run, not Forward, since an edit may leave several inputs or outputs.
            var inputs = new Dictionary<string, Tensor>();
            foreach (var name in module.InputNames)
                inputs[name] = new Tensor(graph.Inputs.First(i => i.Name == name).Dims.Select(d => d < 0 ? 1 : (int)d).ToArray());
            stage = "engine run";
            Mark(stage);
            module.Run(inputs);
            Mark("done");
            return new FuzzOutcome(FuzzVerdict.Ran, null, stage);
        }
        catch (Exception ex) when (IsDocumented(ex, stage))
        {
            return new FuzzOutcome(FuzzVerdict.Ran, ex, stage);
        }
        catch (Exception ex)
        {
            return new FuzzOutcome(FuzzVerdict.Defect, ex, stage);
        }
    }

    private static bool IsDocumented(Exception ex, string stage) => stage switch
    {
        "pack" => ex is ArgumentException,
        "runtime load" => ex is RuntimeInvalidModel,
        "engine" or "engine run" => ex is UnsupportedModelException or AdmmNn.Tensors.Modules.InvalidModelException,
        _ => false,
    };
}
