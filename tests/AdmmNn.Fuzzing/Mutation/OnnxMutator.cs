using System.Text;

namespace AdmmNn.Fuzzing.Mutation;

/// <summary>
/// Structure-aware mutations of an ONNX file: the seed is parsed once as a protobuf tree, and each mutation edits one
/// field (integers set to boundary values, names rewired to other names in the file, fields deleted, duplicated or
/// reordered, extreme tensors injected), after which all lengths are recomputed; some mutations then also damage the
/// serialized bytes (bad length prefixes, truncation). Dims, data types, node inputs and shapes are favoured.
/// </summary>
public sealed class OnnxMutator : IMutator
{
    private readonly byte[] _seed;
    private readonly IReadOnlyList<ProtoField>? _tree;
    private readonly List<(int[] Path, ProtoField Field, int[] Numbers)> _sites = [];
    private readonly List<int> _varints = [], _favoured = [], _strings = [], _messages = [];
    private readonly List<byte[]> _names = [];

    /// <summary>Prepares mutations of <paramref name="seed"/>.</summary>
    public OnnxMutator(byte[] seed)
    {
        _seed = seed;
        _tree = ProtoTree.TryParse(seed);
        if (_tree is null) return;
        _sites = ProtoTree.Sites(_tree);
        for (int i = 0; i < _sites.Count; i++)
        {
            var (_, f, numbers) = _sites[i];
            if (f.WireType == ProtoField.WireVarint)
            {
                _varints.Add(i);
                if (IsFavoured(numbers)) _favoured.Add(i);
            }
            else if (f.WireType == ProtoField.WireLength && !f.IsMessage && f.Payload.Length < 256)
            {
                _strings.Add(i);
                // Node inputs/outputs (graph 7 / node 1 / input 1, output 2) are the names worth rewiring to.
                if (numbers is [7, 1, 1 or 2] || numbers is [7, 5 or 11 or 12, 1 or 8]) _names.Add(f.Payload);
            }
            if (f.IsMessage) _messages.Add(i);
        }
    }

    // dims (tensor field 1), data_type (2), dim_value, elem_type, attribute ints/i, opset version.
    private static bool IsFavoured(int[] n) =>
        n is [7, 5, 1 or 2] or [7, 15, _, 1 or 2] or [7, 15, 2] or [7, 11 or 12 or 13, 2, 1, _, _, 1] or [7, 11 or 12, 2, 1, 1]
        or [7, 1, 5, 3 or 8 or 20] or [7, 1, 5, 5, 1 or 2] or [8, 2] or [1];

    /// <summary>One mutation of the seed.</summary>
    public (byte[] Bytes, string How) Mutate(Random rng)
    {
        if (_tree is null || rng.Next(8) == 0) return ByteMutations.Apply(_seed, rng);
        var (tree, how) = MutateTree(_tree, rng);
        if (rng.Next(3) == 0)
        {
            var second = MutateTree(tree, rng, fresh: false);
            tree = second.Tree;
            how += "; " + second.How;
        }
        var bytes = ProtoTree.Write(tree);
        if (rng.Next(6) == 0)
        {
            var (damaged, damage) = ByteMutations.Apply(bytes, rng);
            return (damaged, $"{how}; then {damage}");
        }
        return (bytes, how);
    }

    private (IReadOnlyList<ProtoField> Tree, string How) MutateTree(IReadOnlyList<ProtoField> tree, Random rng, bool fresh = true)
    {
        // Sites index the seed's tree; on a second edit fall back to injecting (paths may have moved).
        int choice = fresh ? rng.Next(10) : 9;
        switch (choice)
        {
            case 0 or 1 or 2 when _favoured.Count > 0:
                return SetVarint(tree, _favoured[rng.Next(_favoured.Count)], rng);
            case 3 when _varints.Count > 0:
                return SetVarint(tree, _varints[rng.Next(_varints.Count)], rng);
            case 4 when _strings.Count > 0 && _names.Count > 0:
            {
                var (path, _, numbers) = _sites[_strings[rng.Next(_strings.Count)]];
                var name = rng.Next(4) == 0 ? Garbage(rng) : _names[rng.Next(_names.Count)];
                return (ProtoTree.EditParent(tree, path, (list, i) => list[i] = list[i] with { Payload = name }),
                    $"string at {Describe(numbers)} set to '{Encoding.UTF8.GetString(name)}'");
            }
            case 5 when _messages.Count > 0 || _sites.Count > 0:
            {
                var (path, _, numbers) = _sites[rng.Next(_sites.Count)];
                return (ProtoTree.EditParent(tree, path, (list, i) => list.RemoveAt(i)), $"field {Describe(numbers)} deleted");
            }
            case 6 when _sites.Count > 0:
            {
                var (path, field, numbers) = _sites[rng.Next(_sites.Count)];
                // Many copies of small fields (nodes, dims, inputs); large ones once, so inputs stay near the seed's size.
                int copies = rng.Next(3) == 0 && Size(field) < 4096 ? 1 + rng.Next(64) : 1;
                return (ProtoTree.EditParent(tree, path, (list, i) => list.InsertRange(i, Enumerable.Repeat(list[i], copies))),
                    $"field {Describe(numbers)} duplicated x{copies}");
            }
            case 7 when _sites.Count > 0:
            {
                var (path, _, numbers) = _sites[rng.Next(_sites.Count)];
                return (ProtoTree.EditParent(tree, path, (list, i) =>
                {
                    int j = rng.Next(list.Count);
                    (list[i], list[j]) = (list[j], list[i]);
                }), $"field {Describe(numbers)} swapped with a sibling");
            }
            case 8 when _sites.Count > 0:
            {
                // Change the wire type: a varint read as a length, a message as a number.
                var (path, field, numbers) = _sites[rng.Next(_sites.Count)];
                int wire = new[] { 0, 1, 2, 5 }[rng.Next(4)];
                var replaced = wire switch
                {
                    ProtoField.WireVarint => field with { WireType = wire, Varint = ByteMutations.InterestingValues[rng.Next(ByteMutations.InterestingValues.Length)], Children = null },
                    ProtoField.WireLength => field with { WireType = wire, Payload = field.Payload.Length > 0 ? field.Payload : Garbage(rng), Children = null },
                    _ => field with { WireType = wire, Payload = new byte[wire == 1 ? 8 : 4], Children = null },
                };
                return (ProtoTree.EditParent(tree, path, (list, i) => list[i] = replaced), $"field {Describe(numbers)} rewritten as wire type {wire}");
            }
            default:
                return Inject(tree, rng);
        }
    }

    private (IReadOnlyList<ProtoField>, string) SetVarint(IReadOnlyList<ProtoField> tree, int site, Random rng)
    {
        var (path, field, numbers) = _sites[site];
        ulong value = rng.Next(4) switch
        {
            0 => field.Varint + 1,
            1 => field.Varint - 1,
            2 => (ulong)rng.Next(32),
            _ => ByteMutations.InterestingValues[rng.Next(ByteMutations.InterestingValues.Length)],
        };
        return (ProtoTree.EditParent(tree, path, (list, i) => list[i] = list[i] with { Varint = value }),
            $"integer at {Describe(numbers)} {field.Varint} -> {(long)value}");
    }

    /// <summary>Adds an extreme tensor to the graph: huge dims with little or no data, dense or sparse.</summary>
    private static (IReadOnlyList<ProtoField>, string) Inject(IReadOnlyList<ProtoField> tree, Random rng)
    {
        int graphIndex = tree.ToList().FindIndex(f => f.Number == 7 && f.Children is { Count: > 0 });
        if (graphIndex < 0) return (tree, "no graph to inject into");
        ulong dim = ByteMutations.InterestingValues[rng.Next(ByteMutations.InterestingValues.Length)];
        var name = Encoding.UTF8.GetBytes(rng.Next(2) == 0 ? "injected" : "input");
        var dims = Enumerable.Range(0, 1 + rng.Next(3)).Select(_ => new ProtoField(1, 0, dim, [], null)).ToList();
        var dense = new List<ProtoField>(dims) { new(2, 0, (ulong)(1 + rng.Next(17)), [], null), new(8, 2, 0, name, null) };
        if (rng.Next(2) == 0) dense.Add(new ProtoField(9, 2, 0, new byte[4 * rng.Next(4)], null));
        ProtoField added;
        string how;
        if (rng.Next(2) == 0)
        {
            added = new ProtoField(5, 2, 0, [], dense);
            how = $"initializer with dims {dim} x{dims.Count} injected";
        }
        else
        {
            var values = new List<ProtoField> { new(1, 0, 1, [], null), new(2, 0, 1, [], null), new(8, 2, 0, name, null), new(9, 2, 0, new byte[4], null) };
            var indices = new List<ProtoField> { new(1, 0, 1, [], null), new(2, 0, 7, [], null), new(9, 2, 0, BitConverter.GetBytes(rng.Next(2) == 0 ? 0L : (long)dim - 1), null) };
            var sparse = new List<ProtoField> { new(1, 2, 0, [], values), new(2, 2, 0, [], indices) };
            sparse.AddRange(dims.Select(d => d with { Number = 3 }));
            added = new ProtoField(15, 2, 0, [], sparse);
            how = $"sparse initializer with dims {dim} x{dims.Count} injected";
        }
        return (ProtoTree.EditParent(tree, [graphIndex, 0], (list, _) => list.Insert(rng.Next(list.Count + 1), added)), how);
    }

    private static long Size(ProtoField f) => f.Payload.Length + (f.Children?.Sum(Size) ?? 0) + 2;

    private static byte[] Garbage(Random rng)
    {
        var b = new byte[rng.Next(1, 12)];
        rng.NextBytes(b);
        return b;
    }

    private static string Describe(int[] numbers) => string.Join("/", numbers);
}
