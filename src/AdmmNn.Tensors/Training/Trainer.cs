using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;

namespace AdmmNn.Tensors.Training;

/// <summary>Supervised classification training with cross-entropy: one call per batch.</summary>
public sealed class Trainer(GraphModule model, Optimizer optimizer)
{
    private Tensor? _gradient;

    /// <summary>The model being trained.</summary>
    public GraphModule Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The optimizer stepping the model's parameters.</summary>
    public Optimizer Optimizer { get; } = optimizer ?? throw new ArgumentNullException(nameof(optimizer));

    /// <summary>Hooks called after backward and after the step, in list order.</summary>
    public List<ITrainingHook> Hooks { get; } = [];

    /// <summary>
    /// Zero grads, forward (training mode), cross-entropy, backward, hooks' AfterBackward, optimizer step,
    /// hooks' AfterStep.
    /// </summary>
    public BatchResult TrainBatch(Tensor images, ReadOnlySpan<int> labels) => TrainBatch(images, labels, default, 0, 1);

    /// <summary>
    /// As <see cref="TrainBatch(Tensor, ReadOnlySpan{int})"/>, but with knowledge distillation when
    /// <paramref name="teacherLogits"/> is not empty: the loss is <see cref="DistillationLoss"/> with the given weight and
    /// temperature against these fixed teacher logits ([N, classes], row-major).
    /// </summary>
    public BatchResult TrainBatch(Tensor images, ReadOnlySpan<int> labels, ReadOnlySpan<float> teacherLogits, double distillationWeight, double temperature)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank == 0 || images.Shape[0] != labels.Length)
        {
            throw new ArgumentException($"TrainBatch: {labels.Length} labels for images of shape {images.ShapeText}.");
        }

        Model.Training = true;
        Model.ZeroGrad();
        var logits = Model.ForwardShared(images);
        if (logits.Rank != 2)
        {
            throw new InvalidOperationException($"TrainBatch: the model's output has shape {logits.ShapeText}; classification needs [N, classes].");
        }

        if (_gradient is null || !_gradient.HasShape(logits.Shape))
        {
            _gradient = new Tensor((int[])logits.Shape.Clone());
        }

        var (loss, correct) = teacherLogits.IsEmpty
            ? CrossEntropyLoss.Compute(logits.AsSpan(), logits.Shape[1], labels, _gradient.AsSpan())
            : DistillationLoss.Compute(logits.AsSpan(), teacherLogits, logits.Shape[1], labels, distillationWeight, temperature, _gradient.AsSpan());
        Model.Backward(_gradient);
        foreach (var hook in Hooks)
        {
            hook.AfterBackward(Model);
        }

        Optimizer.Step();
        foreach (var hook in Hooks)
        {
            hook.AfterStep(Model);
        }

        return new BatchResult(loss, correct, labels.Length);
    }

    /// <summary>Runs one epoch over <paramref name="loader"/>; <paramref name="onBatch"/> sees each batch's result.</summary>
    public BatchResult TrainEpoch(DataLoader loader, Action<BatchResult>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(loader);
        double lossSum = 0;
        int correct = 0, count = 0;
        foreach (var batch in loader)
        {
            cancellation.ThrowIfCancellationRequested();
            var r = TrainBatch(batch.Images, batch.Labels);
            lossSum += r.Loss * r.Count;
            correct += r.Correct;
            count += r.Count;
            onBatch?.Invoke(r);
        }

        return new BatchResult(count == 0 ? 0 : lossSum / count, correct, count);
    }
}
