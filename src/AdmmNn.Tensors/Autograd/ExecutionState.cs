using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Tensors.Autograd;

/// <summary>
/// Values and gradients of one graph execution, indexed by value id. Buffers are kept between calls and reused while
/// shapes stay the same, so a training loop does not allocate per batch.
/// </summary>
internal sealed class ExecutionState
{
    public ExecutionState(int valueCount)
    {
        Values = new Tensor?[valueCount];
        Grads = new Tensor?[valueCount];
        NeedsGrad = new bool[valueCount];
        OwnsGrad = new bool[valueCount];
    }

    /// <summary>Current value of each value id.</summary>
    public Tensor?[] Values { get; }

    /// <summary>Gradient buffer of each value id (parameters share their <c>Parameter.Grad</c>).</summary>
    public Tensor?[] Grads { get; }

    /// <summary>Whether a value's gradient is needed (it depends on something trainable).</summary>
    public bool[] NeedsGrad { get; }

    /// <summary>Whether the state allocates and zeroes the gradient (false for parameters, whose grads the optimizer owns).</summary>
    public bool[] OwnsGrad { get; }

    /// <summary>Training mode (batch statistics, dropout active, tape recorded).</summary>
    public bool Training { get; set; }

    /// <summary>
    /// The pass is the fused evaluation schedule: no backward will read what ops keep for one (e.g. max-pool argmax), so
    /// they may compute values only. (A backward after such a pass replays it unfused.)
    /// </summary>
    public bool ValuesOnly { get; set; }

    /// <summary>Random source for dropout masks (seeded by the module for determinism).</summary>
    public Random DropoutRandom { get; set; } = new(0);

    /// <summary>The value of <paramref name="id"/>; throws when it has not been computed.</summary>
    public Tensor Value(int id) => Values[id] ?? throw new InvalidModelException($"Value '{(id >= 0 && id < Names.Length ? Names[id] : "#" + id)}' is used but never computed (no node produces it and it is neither an input nor an initializer).");

    /// <summary>Value names by id (for messages).</summary>
    public string[] Names { get; set; } = [];

    /// <summary>A buffer for value <paramref name="id"/> with <paramref name="shape"/>, reused when the shape is unchanged.</summary>
    public Tensor Output(int id, int[] shape)
    {
        var t = Values[id];
        if (t is null || !t.HasShape(shape))
        {
            t = new Tensor(shape);
            Values[id] = t;
        }

        return t;
    }

    /// <summary>The gradient buffer of value <paramref name="id"/>, or null when no gradient flows there.</summary>
    public Tensor? Grad(int id) => id >= 0 && NeedsGrad[id] ? Grads[id] : null;

    /// <summary>Floats per work item when the gradient buffers are zeroed in parallel.</summary>
    private const int ClearChunk = 1 << 16;

    // The buffers to zero this step and their pieces (both reused: no per-step allocation).
    private Tensor[] _toClear = [];
    private readonly BufferPieces _clearPieces = new(ClearChunk);

    /// <summary>
    /// Makes every owned gradient buffer match its value's shape and zeroes it. The zeroing (tens of MB per training
    /// step for resnet18-32 at batch 256, about 3 % of the step on one thread) runs in parallel in fixed chunks.
    /// </summary>
    public void PrepareGradients()
    {
        if (_toClear.Length < Values.Length)
        {
            _toClear = new Tensor[Values.Length];
        }

        _clearPieces.Clear();
        int count = 0;
        for (int i = 0; i < Values.Length; i++)
        {
            if (!NeedsGrad[i] || !OwnsGrad[i] || Values[i] is not { } v)
            {
                continue;
            }

            var g = Grads[i];
            if (g is null || !g.HasShape(v.Shape))
            {
                Grads[i] = new Tensor((int[])v.Shape.Clone());
            }
            else
            {
                _toClear[count] = g;
                _clearPieces.Add(count++, g.Size);
            }
        }

        Tensor[] buffers = _toClear;
        BufferPieces pieces = _clearPieces;
        Workers.For(pieces.Count, ClearChunk, (i, _) =>
        {
            var (buffer, start, length) = pieces[i];
            buffers[buffer].AsSpan().Slice(start, length).Clear();
        });
        Array.Clear(_toClear, 0, count);
    }
}
