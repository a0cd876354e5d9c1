using AdmmNn.Abstractions.Models;

namespace AdmmNn.Runtime.Tests.Support;

/// <summary>
/// Magnitude top-k pruning plus uniform symmetric quantisation of the survivors: enough to make a model with the
/// sparsity and level structure the real ADMM compressor produces.
/// </summary>
internal static class SimpleCompression
{
    /// <summary>LeNet-5 keep ratios giving about 82x fewer weights (5,250 of 430,500).</summary>
    public static readonly IReadOnlyDictionary<string, double> LeNet80x = new Dictionary<string, double>
    {
        ["conv1.weight"] = 0.5, ["conv2.weight"] = 0.1, ["fc1.weight"] = 0.005, ["fc2.weight"] = 0.1,
    };

    public static ModelGraph PruneAndQuantize(ModelGraph g, IReadOnlyDictionary<string, double> keep, int bits)
    {
        foreach (var (name, ratio) in keep)
        {
            var w = g.Initializer(name)?.Floats ?? throw new ArgumentException($"no weight '{name}'");
            int k = Math.Max(1, (int)Math.Round(w.Length * ratio));
            var threshold = w.Select(MathF.Abs).OrderByDescending(v => v).ElementAt(k - 1);
            int kept = 0;
            for (int i = 0; i < w.Length; i++)
            {
                if (MathF.Abs(w[i]) >= threshold && kept < k) kept++;
                else w[i] = 0f;
            }
            int levels = (1 << (bits - 1)) - 1;
            float scale = w.Max(MathF.Abs) / levels;
            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] == 0f) continue;
                var q = Math.Clamp(MathF.Round(w[i] / scale), -levels, levels);
                w[i] = scale * q;
            }
        }
        return g;
    }
}
