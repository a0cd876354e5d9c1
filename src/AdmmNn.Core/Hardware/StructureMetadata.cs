using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Hardware;

/// <summary>
/// The sparsity structure each weight was compressed with, kept in the model's metadata as
/// <c>admmnn.structure.&lt;weight name&gt;</c> = <c>block</c>, <c>filter</c>, <c>channel</c>, <c>n:m</c> or
/// <c>unstructured</c> (ONNX <c>metadata_props</c>; the packed <c>.admmnn</c> file carries it too). The zero pattern alone
/// cannot tell: quantization may round weights inside kept blocks to zero, and a block-pruned layer then looks
/// unstructured. <see cref="BreakEvenAnalyzer.Workloads"/> prefers the recorded structure and detects it otherwise.
/// </summary>
public static class StructureMetadata
{
    /// <summary>Prefix of the metadata keys; the weight's initializer name follows.</summary>
    public const string KeyPrefix = "admmnn.structure.";

    /// <summary>The metadata key for <paramref name="weightName"/>.</summary>
    public static string Key(string weightName) => KeyPrefix + weightName;

    /// <summary>Recorded structures by weight name; entries for tensors the graph no longer has, or empty values, are ignored.</summary>
    public static IReadOnlyDictionary<string, string> Read(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var structures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in graph.Metadata)
        {
            if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal) || string.IsNullOrWhiteSpace(value)) continue;
            var name = key[KeyPrefix.Length..];
            if (graph.Initializer(name) is not null) structures[name] = value.Trim();
        }
        return structures;
    }

    /// <summary>
    /// Records <paramref name="structures"/> (weight name → structure). Other weights keep what an earlier compression
    /// recorded: a staged run that only quantizes a layer leaves the structure its first stage pruned it with.
    /// </summary>
    public static void Write(ModelGraph graph, IReadOnlyDictionary<string, string> structures)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(structures);
        foreach (var (name, structure) in structures) graph.Metadata[Key(name)] = structure;
    }

    /// <summary>
    /// The structure <paramref name="policy"/> prunes each Conv/Gemm/MatMul weight of <paramref name="graph"/> with: the
    /// first matching rule's <c>prune.structure</c>, or a built-in sparsity kind given as a <c>prune</c>-phase
    /// <c>constraint</c>. Weights the policy does not prune, and plugin kinds (whose structure only the plugin knows), are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FromPolicy(CompressionPolicy policy, ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(graph);
        var structures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (node.OpType is not ("Conv" or "Gemm" or "MatMul") || node.Inputs.Count < 2) continue;
            var name = node.Inputs[1];
            if (graph.Initializer(name) is null || structures.ContainsKey(name)) continue;
            var rule = policy.Layers.FirstOrDefault(r => r.Matches(name));
            var kind = rule?.Prune?.Structure
                ?? (rule?.Constraint is { Phase: "prune" } c && HardwareAwarePolicy.SparsityKinds.Contains(c.Kind) ? c.Kind : null);
            if (kind is not null) structures[name] = HardwareAwarePolicy.StructureOf(kind);
        }
        return structures;
    }
}
