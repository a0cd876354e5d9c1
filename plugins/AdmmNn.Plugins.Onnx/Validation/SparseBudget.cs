using AdmmNn.Abstractions.Formats;

namespace AdmmNn.Plugins.Onnx.Validation;

/// <summary>How many dense elements the sparse tensors of one model may still declare (<see cref="OnnxLimits"/>).</summary>
internal sealed class SparseBudget
{
    private long _left = OnnxLimits.MaxSparseElementsTotal;

    /// <summary>Takes <paramref name="count"/> elements for the tensor <paramref name="where"/> names, before it is allocated.</summary>
    public void Take(long count, string where)
    {
        if (count > OnnxLimits.MaxSparseElements)
            throw new ModelFormatException($"{where}: declares {count} elements; a sparse tensor may declare at most {OnnxLimits.MaxSparseElements}");
        if (count > _left)
            throw new ModelFormatException($"{where}: the model's sparse tensors declare more than {OnnxLimits.MaxSparseElementsTotal} elements together");
        _left -= count;
    }
}
