using System.Globalization;
using AdmmNn.Core.Compression;

namespace AdmmNn.Cli.Commands;

/// <summary>The size table and headline figures <c>compress</c> prints at the end.</summary>
internal static class CompressionSummary
{
    /// <summary>The final accuracy and size table (per tensor and totals).</summary>
    public static void Write(CliConsole console, CompressionResult r)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(r);
        var table = new CliTable()
            .AddColumn("tensor").AddColumn("shape").AddColumn("nonzeros", true).AddColumn("pruning", true)
            .AddColumn("bits", true).AddColumn("index bits", true).AddColumn("storage bits", true).AddColumn("constraint");
        foreach (var l in r.Layers)
        {
            table.AddRow(l.Name, "[" + string.Join(",", l.Shape) + "]", $"{l.NonZeros}/{l.Parameters}",
                double.IsInfinity(l.PruningRatio) ? "inf" : $"{l.PruningRatio:0.0}x", l.Bits.ToString(CultureInfo.InvariantCulture),
                l.IndexWidth.ToString(CultureInfo.InvariantCulture), l.TotalBits.ToString(CultureInfo.InvariantCulture), l.Constraint);
        }
        table.AddRow("total", "", $"{r.NonZeroWeights}/{r.DenseWeights} weights", $"{r.PruningRatio:0.0}x", "", "", r.TotalBits.ToString(CultureInfo.InvariantCulture), "");
        table.Write(console);
        var ic = CultureInfo.InvariantCulture;
        console.Out.WriteLine(string.Format(ic, "accuracy: {0:P2} -> {1:P2} (drop {2:0.00} points) on {3} test images",
            r.BaselineAccuracy, r.FinalAccuracy, 100 * r.AccuracyDrop, r.TestSamples));
        console.Out.WriteLine(string.Format(ic, "pruning ratio {0:0.0}x (weights/nonzeros); storage ratio {1:0.0}x incl. biases ({2} of {3} bits), weights only {4:0.0}x",
            r.PruningRatio, r.StorageRatio, r.TotalBits, 32 * r.DenseParameters, r.WeightStorageRatio));
        console.Out.WriteLine(string.Format(ic, "MACs per image: {0} -> {1} ({2:0.0}x fewer); wall time {3:0.0} s on {4} threads",
            r.MacsBefore, r.MacsAfter, r.MacsAfter == 0 ? 0 : (double)r.MacsBefore / r.MacsAfter, r.WallSeconds, r.Threads));
        if (r.Purification is { } p)
        {
            var purified = new CliTable().AddColumn("purified layer").AddColumn("filters", true).AddColumn("input channels", true).AddColumn("shape after");
            foreach (var l in p.Layers.Where(l => l.OutputChannelsAfter != l.OutputChannelsBefore || l.InputChannelsAfter != l.InputChannelsBefore))
                purified.AddRow(l.Name, $"{l.OutputChannelsBefore} -> {l.OutputChannelsAfter}", $"{l.InputChannelsBefore} -> {l.InputChannelsAfter}", "[" + string.Join(",", l.ShapeAfter) + "]");
            purified.Write(console);
            console.Out.WriteLine(string.Format(ic, "purification: {0} filters and {1} input channels removed ({2} empty filters, {3} kept); parameters {4} -> {5}; " +
                "dense MACs per image {6} -> {7}, on nonzero weights {8} -> {9}; purified model accuracy {10:P2}",
                p.FiltersRemoved, p.ChannelsRemoved, p.EmptyFilters, p.EmptyFiltersKept, p.ParametersBefore, p.ParametersAfter,
                p.DenseMacsBefore, p.DenseMacsAfter, p.NonZeroMacsBefore, p.NonZeroMacsAfter, p.Accuracy));
        }
    }
}
