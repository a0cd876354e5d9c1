using AdmmNn.Abstractions.Models;

namespace AdmmNn.Tensors.Ops;

/// <summary>ONNX Identity.</summary>
internal sealed class IdentityOp(GraphNode node, OpCompileContext context) : ViewOp(node, context)
{
    protected override int[] OutputShape(int[] input) => input;
}
