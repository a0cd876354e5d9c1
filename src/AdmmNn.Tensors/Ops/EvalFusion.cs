namespace AdmmNn.Tensors.Ops;

/// <summary>One step of an evaluation-mode schedule: an op run as compiled, or a fused convolution chain.</summary>
internal readonly record struct EvalStep(NodeOp Op, FusedConvChain? Chain);

/// <summary>
/// Builds the evaluation-mode schedule of a compiled graph: each Conv followed by a BatchNormalization, a residual Add
/// and/or a Relu/Clip becomes one <see cref="FusedConvChain"/> run at the convolution's place. A link joins the chain
/// only when the previous value has that op as its sole reader and is not a graph output, and an Add joins only when
/// its other operand is ready before the convolution runs (so in a ResNet block with a projection shortcut the Add
/// and the final Relu fuse into whichever branch's convolution runs last). A projection shortcut is first moved next to
/// the convolution that reads the same input and runs in its pass (<see cref="ProjectionPairing"/>).
/// </summary>
internal static class EvalFusion
{
    /// <summary>The schedule, or null when nothing fuses (run the ops as compiled).</summary>
    public static EvalStep[]? Build(IReadOnlyList<NodeOp> compiled, int valueCount, IEnumerable<int> graphOutputs)
    {
        var (ops, pairs) = ProjectionPairing.Reorder(compiled);
        var readers = new int[valueCount];
        var reader = new NodeOp?[valueCount];
        foreach (var op in ops)
        {
            foreach (int id in op.In.Where(id => id >= 0))
            {
                readers[id]++;
                reader[id] = op;
            }
        }

        foreach (int id in graphOutputs)
        {
            readers[id] += 2; // never an intermediate
        }

        // Step index at which each value is ready (−1: input, initializer or never produced).
        var readyAt = new int[valueCount];
        Array.Fill(readyAt, -1);
        for (int i = 0; i < ops.Count; i++)
        {
            foreach (int id in ops[i].Out.Where(id => id >= 0))
            {
                readyAt[id] = i;
            }
        }

        NodeOp? Sole(int id) => readers[id] == 1 && reader[id] is { } r && r.In[0] == id ? r : null;
        NodeOp? SoleAny(int id) => readers[id] == 1 ? reader[id] : null;

        var fused = new HashSet<NodeOp>();
        var chains = new Dictionary<NodeOp, FusedConvChain>();
        for (int i = 0; i < ops.Count; i++)
        {
            if (ops[i] is not ConvOp conv || fused.Contains(conv) || conv.Out.Length != 1 || conv.Out[0] < 0)
            {
                continue;
            }

            var members = new List<NodeOp> { conv };
            int current = conv.Out[0];
            BatchNormOp? norm = null;
            int residual = -1;
            NodeOp? activation = null;
            if (Sole(current) is BatchNormOp bn && !bn.AlwaysTraining && bn.In.Length >= 5 && bn.In.Skip(1).Take(4).All(id => id >= 0 && readyAt[id] < i)
                && bn.Out.Skip(1).All(id => id < 0 || readers[id] == 0) && bn.Out[0] >= 0)
            {
                norm = bn;
                members.Add(bn);
                current = bn.Out[0];
            }

            if (SoleAny(current) is BinaryOp add && add.Node.OpType == "Add" && add.In.Length == 2 && add.In[0] != add.In[1] && add.Out[0] >= 0)
            {
                int other = add.In[0] == current ? add.In[1] : add.In[0];
                if (other >= 0 && readyAt[other] < i)
                {
                    residual = other;
                    members.Add(add);
                    current = add.Out[0];
                }
            }

            if (Sole(current) is { } act && act is ReluOp or ClipOp && act.Out[0] >= 0 && act.In.Skip(1).All(id => id < 0 || readyAt[id] < i))
            {
                activation = act;
                members.Add(act);
                current = act.Out[0];
            }

            if (members.Count == 1)
            {
                continue;
            }

            foreach (var m in members.Skip(1))
            {
                fused.Add(m);
            }

            readyAt[current] = i;
            chains[conv] = new FusedConvChain(conv, norm, residual, activation, [.. members]);
        }

        if (chains.Count == 0)
        {
            return null;
        }

        fused.UnionWith(ProjectionPairing.Pair(pairs, chains).ToList());

        return ops.Where(op => !fused.Contains(op)).Select(op => new EvalStep(op, chains.GetValueOrDefault(op))).ToArray();
    }
}
