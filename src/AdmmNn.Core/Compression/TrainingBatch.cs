using AdmmNn.Tensors;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The mini-batch buffers of a phase, filled in the epoch's shuffled order: images (augmented when the training
/// preprocessing asks for it), labels and (with distillation) the teacher's logits for the same samples. Streamed data
/// comes from the training loader in the same order with the same augmentation, so both paths train on identical batches.
/// </summary>
internal sealed class TrainingBatch(int batchSize, TrainingData data, float[]? teacherLogits) : IDisposable
{
    private readonly int _classes = teacherLogits is null ? 0 : teacherLogits.Length / data.TrainCount;
    private int[]? _order;
    private int _orderEpoch = -1;
    private IEnumerator<AdmmNn.Data.Loading.Batch>? _stream;
    private int _streamNext = -1;

    public Tensor Images { get; } = new([batchSize, .. data.SampleShape]);

    public int[] Labels { get; } = new int[batchSize];

    public float[] Teacher { get; } = new float[batchSize * (teacherLogits is null ? 0 : teacherLogits.Length / data.TrainCount)];

    public bool HasTeacher => teacherLogits is not null;

    /// <summary>Fills the buffers with batch <paramref name="batchInPhase"/> of the phase.</summary>
    public void Fill(int seed, int phaseIndex, int batchInPhase, int batchesPerEpoch)
    {
        var epoch = batchInPhase / batchesPerEpoch;
        if (epoch != _orderEpoch)
        {
            _order = Permutation(data.TrainCount, seed, phaseIndex, epoch);
            _orderEpoch = epoch;
        }
        var inEpoch = batchInPhase % batchesPerEpoch;
        var first = inEpoch * batchSize;
        // Random crop and flip: a pure function of (seed, phase, epoch, sample), so a resumed run sees the same images.
        var augmentationKey = phaseIndex * 100_000 + epoch;
        if (data.TrainLoader is { } loader)
        {
            FillStreamed(loader, batchInPhase, inEpoch, batchesPerEpoch, augmentationKey, seed);
        }
        else
        {
            var images = Images.AsSpan();
            var sampleSize = data.SampleSize;
            for (var b = 0; b < batchSize; b++)
            {
                var sample = _order![first + b];
                var image = images.Slice(b * sampleSize, sampleSize);
                Labels[b] = data.CopyTrainSample(sample, image);
                if (data.Augmentation.Augments)
                    data.Augmentation.Augment(image, data.SampleShape[0], data.SampleShape[1], data.SampleShape[2], seed, augmentationKey, sample);
            }
        }
        if (teacherLogits is null) return;
        for (var b = 0; b < batchSize; b++)
            teacherLogits.AsSpan(_order![first + b] * _classes, _classes).CopyTo(Teacher.AsSpan(b * _classes, _classes));
    }

    /// <summary>Stops the loader's prefetching (a phase can end early).</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    /// <summary>
    /// Takes the next batch of the loader's stream of this epoch, opening a stream from <paramref name="inEpoch"/> to the epoch's end
    /// when the epoch changes or the run resumes elsewhere; the loader prefetches the batches after it on its worker threads.
    /// </summary>
    private void FillStreamed(AdmmNn.Data.Loading.StreamingLoader loader, int batchInPhase, int inEpoch, int batchesPerEpoch, int augmentationKey, int seed)
    {
        if (loader.Seed != seed) throw new InvalidOperationException($"the training loader is seeded {loader.Seed}, the run {seed}");
        if (_stream is null || _streamNext != batchInPhase)
        {
            _stream?.Dispose();
            _stream = loader.Stream(_order!, inEpoch, batchesPerEpoch - inEpoch, data.Augmentation.Augments ? augmentationKey : null).GetEnumerator();
        }
        if (!_stream.MoveNext()) throw new InvalidOperationException($"the training stream ended before batch {batchInPhase}");
        var batch = _stream.Current;
        batch.Images.AsSpan(0, batchSize * data.SampleSize).CopyTo(Images.AsSpan());
        batch.Labels.AsSpan(0, batchSize).CopyTo(Labels);
        _streamNext = inEpoch + 1 == batchesPerEpoch ? -1 : batchInPhase + 1;
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
