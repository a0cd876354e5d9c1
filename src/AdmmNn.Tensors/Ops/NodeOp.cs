using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Ops;

/// <summary>
/// One compiled graph node: reads its inputs from an <see cref="ExecutionState"/>, writes its outputs there, and in
/// backward adds gradients into the inputs that need them. Attributes are parsed once, at compile time.
/// </summary>
internal abstract class NodeOp
{
    protected NodeOp(GraphNode node, OpCompileContext context)
    {
        Node = node;
        In = node.Inputs.Select(context.ValueId).ToArray();
        Out = node.Outputs.Select(context.ValueId).ToArray();
        Opset = context.Opset;
    }

    /// <summary>The node this op runs.</summary>
    public GraphNode Node { get; }

    /// <summary>Input value ids (-1 for an omitted optional input).</summary>
    public int[] In { get; }

    /// <summary>Output value ids (-1 for an omitted output).</summary>
    public int[] Out { get; }

    /// <summary>Default-domain opset of the graph.</summary>
    public int Opset { get; }

    /// <summary>Inputs through which gradients flow (by position); others, e.g. shapes, are constants.</summary>
    public virtual bool IsDifferentiableInput(int index) => true;

    /// <summary>Computes the outputs.</summary>
    public abstract void Forward(ExecutionState s);

    /// <summary>Adds the inputs' gradients. Called only when some input needs a gradient.</summary>
    public virtual void Backward(ExecutionState s) =>
        throw new NotSupportedException($"Node '{Node.Name}' ({Node.OpType}) has no backward.");

    /// <summary>True when some differentiable input needs a gradient and the first output has one.</summary>
    public bool ProducesGradient(ExecutionState s)
    {
        if (Out[0] < 0 || s.Grads[Out[0]] is null || !s.NeedsGrad[Out[0]])
        {
            return false;
        }

        for (int i = 0; i < In.Length; i++)
        {
            if (In[i] >= 0 && IsDifferentiableInput(i) && s.NeedsGrad[In[i]])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Input tensor at <paramref name="index"/>.</summary>
    protected Tensor Input(ExecutionState s, int index) => s.Value(In[index]);

    /// <summary>True when optional input <paramref name="index"/> is present.</summary>
    protected bool HasInput(int index) => index < In.Length && In[index] >= 0;

    /// <summary>Gradient of output <paramref name="index"/>.</summary>
    protected Tensor OutputGrad(ExecutionState s, int index = 0) =>
        s.Grads[Out[index]] ?? throw new InvalidOperationException($"Node '{Node.Name}': output gradient missing.");

    /// <summary>Gradient buffer of input <paramref name="index"/>, or null when not needed.</summary>
    protected Tensor? InputGrad(ExecutionState s, int index) =>
        index < In.Length && In[index] >= 0 && IsDifferentiableInput(index) ? s.Grad(In[index]) : null;

    /// <summary>An exception naming this node for bad shapes or attributes.</summary>
    protected InvalidModelException Error(string problem) =>
        new($"Node '{Node.Name}' ({Node.OpType}): {problem}");

    /// <summary>Checks the input's rank.</summary>
    protected void RequireRank(Tensor t, int rank, string what)
    {
        if (t.Rank != rank)
        {
            throw Error($"{what} must have rank {rank} but has shape {t.ShapeText}.");
        }
    }
}
