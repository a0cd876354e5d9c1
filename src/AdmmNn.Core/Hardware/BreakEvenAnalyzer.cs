using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Format;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// Describes a model's weight layers as <see cref="LayerWorkload"/>s (shapes, MACs, nonzeros, bits, structure) and asks a
/// target for each layer's break-even ratio and dense/current costs.
/// </summary>
public static class BreakEvenAnalyzer
{
    /// <summary>
    /// One workload per weight of a Conv, Gemm or MatMul node (weights that are initializers), in graph order, for a
    /// batch of one. Nonzeros and bits come from the runtime's storage accounting (a quantized tensor's code width;
    /// 32 for float). The structure is what the model's metadata records (<see cref="StructureMetadata"/>), else what
    /// the zero pattern shows. Throws
    /// <see cref="ShapeInferenceException"/> naming the node when shapes cannot be worked out.
    /// </summary>
    public static IReadOnlyList<LayerWorkload> Workloads(ModelGraph graph, int[]? inputShapePerSample)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var shapes = ConcreteShapes(graph, inputShapePerSample);
        var recorded = StructureMetadata.Read(graph);
        var layers = new List<LayerWorkload>();
        foreach (var node in graph.Nodes)
        {
            if (node.OpType is not ("Conv" or "Gemm" or "MatMul") || node.Inputs.Count < 2) continue;
            var weight = graph.Initializer(node.Inputs[1]);
            if (weight?.Floats is null) continue;
            var input = shapes.GetValueOrDefault(node.Inputs[0]) ?? throw new ShapeInferenceException($"node '{node.Name}' ({node.OpType}): input '{node.Inputs[0]}' has no known shape");
            var output = shapes.GetValueOrDefault(node.Outputs[0]) ?? throw new ShapeInferenceException($"node '{node.Name}' ({node.OpType}): output '{node.Outputs[0]}' has no known shape");
            var stored = weight.Dims.Select(d => (int)d).ToArray();
            int[] weightShape;
            long macs;
            int[] inputPerSample, outputPerSample;
            switch (node.OpType)
            {
                case "Conv":
                    weightShape = stored;
                    // Every output element takes (in/groups)·kh·kw MACs: the weight's per-filter size.
                    macs = Product(output.Skip(1)) * Product(weight.Dims.Skip(1));
                    inputPerSample = ToInts(input.Skip(1));
                    outputPerSample = ToInts(output.Skip(1));
                    break;
                case "Gemm":
                {
                    var transB = node.Attribute("transB")?.Int == 1;
                    weightShape = transB ? stored : [stored[1], stored[0]];
                    macs = (long)weightShape[0] * weightShape[1];
                    inputPerSample = [weightShape[1]];
                    outputPerSample = [weightShape[0]];
                    break;
                }
                default:
                    weightShape = [stored[1], stored[0]];
                    macs = Product(output) * stored[0];
                    inputPerSample = ToInts(input.Skip(1));
                    outputPerSample = ToInts(output.Skip(1));
                    break;
            }
            var plan = StorageAccounting.Plan(weight.Floats, stored);
            var structure = recorded.GetValueOrDefault(weight.Name) ?? WeightStructure.Detect(weight.Floats, stored);
            var sparse = plan.NonZeros < plan.Count;
            layers.Add(new LayerWorkload(
                weight.Name, node.OpType, weightShape, inputPerSample, outputPerSample, macs,
                plan.Count, plan.NonZeros, plan.CodeBits == 0 ? 1 : plan.CodeBits,
                // Rice-coded indices have no one width: a consumer streams their mean length per nonzero.
                !sparse || !plan.IsSparse ? 0 : plan.IsRiceCoded ? plan.MeanIndexBitsPerNonZero : plan.IndexBits,
                sparse ? structure : "dense"));
        }
        return layers;
    }

    /// <summary>Break-even ratio and dense/current costs of every layer on <paramref name="target"/>.</summary>
    public static HardwareAnalysis Analyze(IHardwareTarget target, IReadOnlyList<LayerWorkload> layers)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rows = layers.Select(layer =>
        {
            var dense = layer with { NonZeros = layer.Weights, IndexBits = 0, Structure = "dense" };
            var denseCost = target.EstimateDense(dense);
            var current = layer.Structure == "dense" || layer.NonZeros == layer.Weights ? denseCost : target.EstimateSparse(layer);
            return new LayerAnalysis(layer, target.BreakEvenPruningRatio(layer), denseCost, current);
        }).ToList();
        return new HardwareAnalysis(target.Name, rows);
    }

    /// <summary>Workloads then analysis, in one call.</summary>
    public static HardwareAnalysis Analyze(IHardwareTarget target, ModelGraph graph, int[]? inputShapePerSample) =>
        Analyze(target, Workloads(graph, inputShapePerSample));

    /// <summary>Every value's shape for a batch of one, from the graph layer's shape inference; problems as <see cref="ShapeInferenceException"/>.</summary>
    private static Dictionary<string, long[]> ConcreteShapes(ModelGraph graph, int[]? inputShapePerSample)
    {
        try
        {
            var inputs = graph.Inputs.Where(i => graph.Initializer(i.Name) is null).ToList();
            if (inputs.Count == 0) throw new ShapeInferenceException($"model '{graph.Name}' has no graph input");
            var inferred = Graph.Shapes.ShapeInference.Infer(graph, inputShapePerSample, batch: 1);
            inferred.RequireSupported();
            var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var input in inputs.Take(inputShapePerSample is null ? inputs.Count : 1))
            {
                if (inferred[input.Name] is { } s && !s.All(d => d.IsKnown))
                    throw new ShapeInferenceException(
                        $"input '{input.Name}' has symbolic dimensions [{string.Join(",", s.Select(d => d.ToString()))}]; give the per-sample input shape (e.g. --input-shape 1,28,28)");
            }
            foreach (var name in inferred.Values)
                if (inferred[name] is { } s && s.All(d => d.IsKnown)) shapes[name] = s.Select(d => d.Value).ToArray();
            return shapes;
        }
        catch (Graph.GraphException ex)
        {
            throw new ShapeInferenceException(ex.Message);
        }
    }

    private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => a * d);

    private static int[] ToInts(IEnumerable<long> dims) => dims.Select(d => checked((int)d)).ToArray();
}
