using AdmmNn.Tensors.Ops;

namespace AdmmNn.Tensors.Autograd;

/// <summary>
/// Records the operations a training-mode forward pass ran, in order; <see cref="Backward"/> replays them in reverse,
/// each adding its inputs' gradients from its outputs' gradients.
/// </summary>
internal sealed class Tape
{
    private readonly List<NodeOp> _entries = [];

    /// <summary>Number of recorded operations.</summary>
    public int Count => _entries.Count;

    /// <summary>Forgets everything recorded.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Appends an operation that ran.</summary>
    public void Record(NodeOp op) => _entries.Add(op);

    /// <summary>Runs every recorded operation's backward, last first, skipping those no gradient reaches.</summary>
    public void Backward(ExecutionState state)
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            var op = _entries[i];
            if (op.ProducesGradient(state))
            {
                op.Backward(state);
            }
        }
    }
}
