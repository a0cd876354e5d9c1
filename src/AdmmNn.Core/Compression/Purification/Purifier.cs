using AdmmNn.Abstractions.Models;

namespace AdmmNn.Core.Compression.Purification;

/// <summary>
/// Network purification and unused-path removal after structured pruning: removes the filters of Conv layers that are
/// empty (with their BatchNorm channels) and the input channels of the next layers that read them, and the filters whose
/// channel nothing reads any more, so a filter- or channel-pruned model gets physically smaller.
/// </summary>
/// <remarks>
/// <para>The rule, per channel of a <see cref="ChannelGroup"/> (the tensors a residual Add joins count as one), is exact: the
/// purified model computes what the unpurified one does.</para>
/// <list type="bullet">
/// <item>Unused: every Conv/Gemm reading the channel has only empty weights for it. Its value does not matter; it goes.</item>
/// <item>Constant: every filter making the channel (on every branch of an Add) is empty, so the channel carries one value
/// everywhere: the filter's bias through BatchNorm (β − γ·μ/√(σ²+ε) for a zero bias) and ReLU. Each reader absorbs it
/// into its bias (c·ΣW over the kernel for an unpadded Conv, c·W for a Gemm); a padded Conv cannot (its border windows
/// read zeros instead of c), so there the channel goes only when c = 0, for example when ReLU clips a negative shift.</item>
/// </list>
/// <para>Ops other than Conv (group 1), BatchNormalization, Relu, pooling, Identity, Add, Flatten after a global pool and
/// Gemm pin the channels they read. At least one channel of each group stays. The rule repeats until nothing changes.</para>
/// </remarks>
public static class Purifier
{
    /// <summary>Purifies <paramref name="graph"/> (left unchanged) and returns the smaller graph and what was removed.</summary>
    /// <param name="graph">The compressed model.</param>
    /// <param name="sampleShape">One sample's input shape without the batch axis, for the MAC counts.</param>
    /// <param name="options">Emptiness rule; null for exact zeros.</param>
    public static (ModelGraph Graph, PurificationReport Report) Purify(ModelGraph graph, int[] sampleShape, PurificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(sampleShape);
        options ??= new PurificationOptions();
        var report = new PurificationReport();
        var first = new ChannelAnalysis(graph, options.RelativeTolerance);
        var current = graph;
        for (var round = 1; round <= options.MaxRounds; round++)
        {
            report.Rounds = round;
            var analysis = round == 1 ? first : new ChannelAnalysis(current, options.RelativeTolerance);
            var next = ChannelRemoval.Apply(current, analysis, out var removed, out var folded);
            report.ConstantsFolded += folded;
            if (removed == 0) break;
            current = next;
        }
        Summarize(graph, current, first, sampleShape, options, report);
        return (current, report);
    }

    private static void Summarize(ModelGraph before, ModelGraph after, ChannelAnalysis first, int[] sampleShape, PurificationOptions options, PurificationReport report)
    {
        var last = new ChannelAnalysis(after, options.RelativeTolerance);
        var positionsBefore = MacCounter.PositionsPerWeight(before, sampleShape);
        var positionsAfter = MacCounter.PositionsPerWeight(after, sampleShape);
        report.ParametersBefore = before.Initializers.Where(t => t.Floats is not null).Sum(t => t.ElementCount);
        report.ParametersAfter = after.Initializers.Where(t => t.Floats is not null).Sum(t => t.ElementCount);
        foreach (var node in before.Nodes.Where(n => n.OpType is "Conv" or "Gemm" && n.Inputs.Count > 1))
        {
            if (before.Initializer(node.Inputs[1]) is not { Floats: not null } w0 || w0.Dims.Length < 2) continue;
            var w1 = after.Initializer(node.Inputs[1]) ?? w0;
            var inAxis = node.OpType == "Gemm" && !ChannelAnalysis.TransB(node) ? 0 : 1;
            var outAxis = 1 - inAxis;
            var layer = new PurifiedLayer
            {
                Name = w0.Name,
                OpType = node.OpType,
                ShapeBefore = [.. w0.Dims.Select(d => (int)d)],
                ShapeAfter = [.. w1.Dims.Select(d => (int)d)],
                OutputChannelsBefore = (int)w0.Dims[outAxis],
                OutputChannelsAfter = (int)w1.Dims[outAxis],
                InputChannelsBefore = (int)w0.Dims[inAxis],
                InputChannelsAfter = (int)w1.Dims[inAxis],
            };
            if (node.OpType == "Conv" && w0.Dims.Length >= 3)
            {
                layer.EmptyFiltersBefore = Enumerable.Range(0, layer.OutputChannelsBefore).Count(o => first.FilterEmpty(w0, o));
                report.EmptyFilters += layer.EmptyFiltersBefore;
                report.EmptyFiltersKept += Enumerable.Range(0, layer.OutputChannelsAfter).Count(o => last.FilterEmpty(w1, o));
                report.FiltersRemoved += layer.OutputChannelsBefore - layer.OutputChannelsAfter;
            }
            report.ChannelsRemoved += layer.InputChannelsBefore - layer.InputChannelsAfter;
            report.Layers.Add(layer);
            var p0 = positionsBefore.GetValueOrDefault(w0.Name);
            var p1 = positionsAfter.GetValueOrDefault(w1.Name);
            report.DenseMacsBefore += w0.ElementCount * p0;
            report.DenseMacsAfter += w1.ElementCount * p1;
            report.NonZeroMacsBefore += w0.Floats.Count(v => v != 0) * p0;
            report.NonZeroMacsAfter += w1.Floats!.Count(v => v != 0) * p1;
        }
    }
}
