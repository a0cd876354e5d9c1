using AdmmNn.Tensors.Modules;

namespace AdmmNn.Core.Compression.DeadUnits;

/// <summary>Runs <see cref="DeadUnitRemoval"/> on a model being compressed: the constrained weights and their layers' biases
/// are edited in place, and every weight entry zeroed leaves the layer's mask (and its frozen values), so training cannot
/// bring it back. Links to a weight without a policy rule are skipped (such a weight stays as it is).</summary>
internal static class DeadUnitPass
{
    public static DeadUnitReport Run(IReadOnlyList<UnitLink> links, GraphModule module, IReadOnlyList<LayerState> layers)
    {
        var layerOf = layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        var arrays = new Dictionary<string, (Parameter Parameter, float[] Values)>(StringComparer.Ordinal);
        var report = DeadUnitRemoval.Apply(links, Tensor);
        foreach (var (parameter, values) in arrays.Values) values.CopyTo(parameter.Value.AsSpan());
        foreach (var (name, indices) in report.Zeroed)
        {
            var l = layerOf[name];
            l.Mask ??= Enumerable.Repeat(true, l.Layout.Count).ToArray();
            foreach (var i in indices)
            {
                l.Mask[i] = false;
                if (l.Frozen is { } frozen) frozen[i] = 0;
            }
        }
        return report;

        float[]? Tensor(string name)
        {
            if (arrays.TryGetValue(name, out var known)) return known.Values;
            var parameter = layerOf.TryGetValue(name, out var l) ? l.Parameter : module.Parameter(name) is { Role: ParameterRole.Bias } bias ? bias : null;
            if (parameter is null) return null;
            var values = parameter.Value.ToArray();
            arrays[name] = (parameter, values);
            return values;
        }
    }
}
