using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints.Kinds;

namespace AdmmNn.Core.Constraints;

/// <summary>Constraint kinds by name: the built-in ones plus any that plugins register.</summary>
public sealed class ConstraintKindRegistry
{
    private readonly Dictionary<string, IConstraintKind> _kinds = new(StringComparer.Ordinal);

    /// <summary>The built-in kinds, in listing order.</summary>
    public static IReadOnlyList<IConstraintKind> BuiltIn { get; } =
    [
        new UnstructuredKind(), new FilterKind(), new ChannelKind(), new BlockKind(), new NmKind(), new PeTernaryKind(),
        new UniformKind(), new PowerOfTwoKind(), new TernaryKind(), new BinaryKind(),
    ];

    /// <summary>Names of the built-in sparsity kinds (the <c>prune.structure</c> values).</summary>
    public static IReadOnlyList<string> SparsityKinds { get; } = ["unstructured", "filter", "channel", "block", "n:m", PeTernaryKind.KindName];

    /// <summary>Names of the built-in level kinds (the <c>quantize.levels</c> values).</summary>
    public static IReadOnlyList<string> LevelKinds { get; } = ["uniform", "pow2", "ternary", "binary"];

    /// <summary>A registry holding the built-in kinds and then <paramref name="extra"/> (plugins).</summary>
    public ConstraintKindRegistry(IEnumerable<IConstraintKind>? extra = null)
    {
        foreach (var k in BuiltIn) Register(k);
        foreach (var k in extra ?? []) Register(k);
    }

    /// <summary>All registered kinds.</summary>
    public IEnumerable<IConstraintKind> Kinds => _kinds.Values;

    /// <summary>Adds a kind; a duplicate name is an error naming both.</summary>
    public void Register(IConstraintKind kind)
    {
        if (!_kinds.TryAdd(kind.Name, kind))
            throw new InvalidOperationException($"constraint kind '{kind.Name}' is registered twice ({_kinds[kind.Name].GetType().FullName} and {kind.GetType().FullName})");
    }

    /// <summary>The kind with this name, or null.</summary>
    public IConstraintKind? Find(string name) => _kinds.GetValueOrDefault(name);
}
