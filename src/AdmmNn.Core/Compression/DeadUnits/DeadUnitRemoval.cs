namespace AdmmNn.Core.Compression.DeadUnits;

/// <summary>
/// Zeroes the weights and biases that cannot change a model's output, unit by unit along each <see cref="UnitLink"/>,
/// until nothing changes (a removal can leave another unit without readers or inputs). Exact: the model computes the
/// same function afterwards. Unit k of a link is dead when
/// <list type="bullet">
/// <item>unused: every reader entry of k is zero. Its value is multiplied by zeros, so its producer entries and bias go; or</item>
/// <item>constant zero: every producer entry of k is zero and its bias is 0 (or negative with a ReLU between), so the
/// reader sees exactly 0 for it everywhere; its reader entries and its bias go (a negative bias through ReLU and a zero
/// bias give the same zero).</item>
/// </list>
/// A unit carrying a nonzero constant (an empty filter with a positive bias) is left alone: its readers use it as a bias.
/// </summary>
internal static class DeadUnitRemoval
{
    /// <summary>Zeroes the dead entries in the arrays <paramref name="tensor"/> returns (by initializer name; null = the
    /// tensor is not editable, and its links are skipped) and returns, per weight tensor, the flat indices zeroed.</summary>
    public static DeadUnitReport Apply(IReadOnlyList<UnitLink> links, Func<string, float[]?> tensor)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(tensor);
        var report = new DeadUnitReport();
        bool changed;
        do
        {
            changed = false;
            foreach (var link in links)
            {
                if (tensor(link.ProducerWeight) is not { } producer || tensor(link.ConsumerWeight) is not { } consumer) continue;
                var bias = link.ProducerBias is null ? null : tensor(link.ProducerBias);
                if (link.ProducerBias is not null && bias is null) continue;
                for (var k = 0; k < link.Units; k++)
                {
                    var b = bias?[k] ?? 0f;
                    if (AllZero(consumer, link.ConsumerEntries[k]))
                    {
                        if (AllZero(producer, link.ProducerEntries[k]) && b == 0) continue;
                        report.UnusedUnits++;
                        Zero(producer, link.ProducerEntries[k], link.ProducerWeight, report);
                    }
                    else if (AllZero(producer, link.ProducerEntries[k]) && (b == 0 || (link.ThroughRelu && b < 0)))
                    {
                        report.ZeroUnits++;
                        Zero(consumer, link.ConsumerEntries[k], link.ConsumerWeight, report);
                    }
                    else
                    {
                        continue;
                    }
                    if (bias is not null && bias[k] != 0)
                    {
                        bias[k] = 0;
                        report.BiasesZeroed++;
                    }
                    changed = true;
                }
            }
        }
        while (changed);
        return report;
    }

    private static bool AllZero(float[] values, int[] entries)
    {
        foreach (var i in entries) if (values[i] != 0) return false;
        return true;
    }

    private static void Zero(float[] values, int[] entries, string name, DeadUnitReport report)
    {
        foreach (var i in entries)
        {
            if (values[i] == 0) continue;
            values[i] = 0;
            report.Add(name, i);
        }
    }
}
