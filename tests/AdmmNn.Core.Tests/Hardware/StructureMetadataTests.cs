using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Hardware;

/// <summary>The <c>admmnn.structure.*</c> metadata: which weights get an entry, and what a later run keeps.</summary>
public sealed class StructureMetadataTests
{
    private static ModelGraph TwoLayers()
    {
        var graph = new ModelGraph();
        foreach (var (name, op) in new[] { ("a", "Conv"), ("b", "Gemm") })
        {
            graph.Initializers.Add(TensorData.FromFloats(name + ".weight", [4, 4], new float[16]));
            graph.Nodes.Add(new GraphNode { Name = name, OpType = op, Inputs = ["x", name + ".weight"], Outputs = [name + ".y"] });
        }
        return graph;
    }

    [Fact]
    public void The_policy_gives_each_pruned_weight_its_structure_and_none_to_the_others()
    {
        var policy = PolicyLoader.Parse("""
            { "layers": [
                { "match": "a.weight", "prune": { "keep": 0.5, "structure": "block", "rows": 2, "cols": 2 }, "quantize": { "bits": 3 } },
                { "match": "b.weight", "quantize": { "bits": 3 } } ] }
            """);
        var structures = StructureMetadata.FromPolicy(policy, TwoLayers());
        Assert.Equal("block", Assert.Single(structures, kv => kv.Key == "a.weight").Value);
        Assert.False(structures.ContainsKey("b.weight"), "b is only quantized: its zeros are not a pruning structure");

        var nm = PolicyLoader.Parse("""{ "layers": [ { "match": "*.weight", "constraint": { "kind": "n:m", "n": 2, "m": 4 } } ] }""");
        Assert.Equal("n:m", StructureMetadata.FromPolicy(nm, TwoLayers())["b.weight"]);
    }

    [Fact]
    public void Writing_overwrites_the_named_weights_and_keeps_earlier_records_of_the_others()
    {
        var graph = TwoLayers();
        graph.Metadata["admmnn.structure.a.weight"] = "filter";
        graph.Metadata["admmnn.structure.b.weight"] = "block";
        graph.Metadata["admmnn.structure.gone.weight"] = "block";

        StructureMetadata.Write(graph, new Dictionary<string, string> { ["a.weight"] = "unstructured" });

        var read = StructureMetadata.Read(graph);
        Assert.Equal("unstructured", read["a.weight"]);
        Assert.Equal("block", read["b.weight"]);
        Assert.False(read.ContainsKey("gone.weight"), "entries for tensors the model no longer has are ignored");
    }
}
