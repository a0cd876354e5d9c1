using AdmmNn.Tensors;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The mini-batch buffers of a phase, filled in the epoch's shuffled order: images (augmented when the training
/// preprocessing asks for it), labels and (with distillation) the teacher's logits for the same samples.
/// </summary>
internal sealed class TrainingBatch(int batchSize, TrainingData data, float[]? teacherLogits)
{
    private readonly int _classes = teacherLogits is null ? 0 : teacherLogits.Length / data.TrainLabels.Length;
    private int[]? _order;
    private int _orderEpoch = -1;

    public Tensor Images { get; } = new([batchSize, .. data.SampleShape]);

    public int[] Labels { get; } = new int[batchSize];

    public float[] Teacher { get; } = new float[batchSize * (teacherLogits is null ? 0 : teacherLogits.Length / data.TrainLabels.Length)];

    public bool HasTeacher => teacherLogits is not null;

    /// <summary>Fills the buffers with batch <paramref name="batchInPhase"/> of the phase.</summary>
    public void Fill(int seed, int phaseIndex, int batchInPhase, int batchesPerEpoch)
    {
        var epoch = batchInPhase / batchesPerEpoch;
        if (epoch != _orderEpoch)
        {
            _order = Permutation(data.TrainLabels.Length, seed, phaseIndex, epoch);
            _orderEpoch = epoch;
        }
        var first = batchInPhase % batchesPerEpoch * batchSize;
        var images = Images.AsSpan();
        var sampleSize = data.SampleSize;
        for (var b = 0; b < batchSize; b++)
        {
            var sample = _order![first + b];
            var image = images.Slice(b * sampleSize, sampleSize);
            data.TrainImages.AsSpan(sample * sampleSize, sampleSize).CopyTo(image);
            // Random crop and flip: a pure function of (seed, phase, epoch, sample), so a resumed run sees the same images.
            if (data.Augmentation.Augments)
                data.Augmentation.Augment(image, data.SampleShape[0], data.SampleShape[1], data.SampleShape[2], seed, phaseIndex * 100_000 + epoch, sample);
            Labels[b] = data.TrainLabels[sample];
        }
        if (teacherLogits is null) return;
        for (var b = 0; b < batchSize; b++)
            teacherLogits.AsSpan(_order![first + b] * _classes, _classes).CopyTo(Teacher.AsSpan(b * _classes, _classes));
    }

    /// <summary>The data order of one epoch: a pure function of (seed, phase, epoch), so a resumed run sees the same batches.</summary>
    private static int[] Permutation(int count, int seed, int phase, int epoch)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var rng = new Random(unchecked(seed * 1_000_003 + phase * 10_007 + epoch));
        for (var i = count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
