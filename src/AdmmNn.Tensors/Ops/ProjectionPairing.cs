namespace AdmmNn.Tensors.Ops;

/// <summary>
/// Evaluation schedule: pairs a ResNet block's first convolution with the projection shortcut that reads the same input
/// (ConvOp.Projection.cs runs both in one pass). A ResNet graph lists the projection after the block's second
/// convolution, where its chain takes the residual Add and the final Relu; <see cref="Reorder"/> moves it up to just
/// after the convolution it pairs with (its other inputs are weights, so it is ready there), so the second
/// convolution's chain takes the Add and Relu instead and the projection's chain ends at its BatchNorm. Whether the
/// shapes allow one pass is decided at run time; when they do not, both chains run one after the other in this order.
/// </summary>
internal static class ProjectionPairing
{
    /// <summary>Off: schedules are built without pairs, in the compiled order (A/B runs: <c>ADMMNN_PAIR_PROJECTIONS=0</c>).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>
    /// The ops in an order where every convolution whose input an earlier, not yet paired convolution also reads, and
    /// whose other inputs no op produces, comes right after that convolution; and the pairs (first, projection).
    /// </summary>
    public static (List<NodeOp> Order, List<(ConvOp First, ConvOp Projection)> Pairs) Reorder(IReadOnlyList<NodeOp> ops)
    {
        var produced = new HashSet<int>(ops.SelectMany(op => op.Out).Where(id => id >= 0));
        var order = ops.ToList();
        var pairs = new List<(ConvOp, ConvOp)>();
        if (!Enabled)
        {
            return (order, pairs);
        }

        var taken = new HashSet<NodeOp>();
        for (int i = 0; i < order.Count; i++)
        {
            if (order[i] is not ConvOp projection || projection.Out.Length != 1 || projection.In.Length < 2 || projection.In[0] < 0
                || projection.In.Skip(1).Any(id => id >= 0 && produced.Contains(id)))
            {
                continue;
            }

            int first = order.FindIndex(0, i, op => op is ConvOp c && c.In[0] == projection.In[0] && !taken.Contains(c));
            if (first < 0)
            {
                continue;
            }

            taken.Add(order[first]);
            taken.Add(projection);
            pairs.Add(((ConvOp)order[first], projection));
            order.RemoveAt(i);
            order.Insert(first + 1, projection);
        }

        return (order, pairs);
    }

    /// <summary>
    /// Makes each pair's projection chain the partner of its first convolution's chain when both convolutions head a
    /// chain; returns the projections so paired (they get no step of their own).
    /// </summary>
    public static IEnumerable<NodeOp> Pair(List<(ConvOp First, ConvOp Projection)> pairs, Dictionary<NodeOp, FusedConvChain> chains)
    {
        foreach (var (first, projection) in pairs)
        {
            if (chains.TryGetValue(first, out var host) && chains.TryGetValue(projection, out var partner))
            {
                host.Partner = partner;
                yield return projection;
            }
        }
    }
}
