using AdmmNn.Tensors.Modules;

namespace AdmmNn.Tensors.Training;

/// <summary>Extension points of <see cref="Trainer.TrainBatch"/> (e.g. ADMM's proximal term and pruning masks).</summary>
public interface ITrainingHook
{
    /// <summary>After gradients are computed, before the optimizer step (add to <see cref="Parameter.Grad"/> here).</summary>
    void AfterBackward(GraphModule model);

    /// <summary>After the optimizer step (apply masks or projections to <see cref="Parameter.Value"/> here).</summary>
    void AfterStep(GraphModule model);
}
