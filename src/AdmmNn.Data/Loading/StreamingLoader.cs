using System.Runtime.CompilerServices;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Data.Loading;

/// <summary>
/// Streams a split as preprocessed batches: samples are read and decoded on <see cref="Threads"/> worker threads, at most
/// <see cref="Prefetch"/> batches ahead of the consumer, so memory stays bounded whatever the dataset's size:
/// at most (<see cref="Prefetch"/> + 1) × batch × C×H×W × 4 bytes of batches, plus one encoded file and one decoded image per
/// worker. Epoch order is a seeded permutation (or the stored order), and training augmentation draws depend only on
/// (seed, epoch, sample), so the batches are identical whatever the thread count.
/// </summary>
public sealed class StreamingLoader
{
    private readonly IDatasetSplit _split;
    private readonly ImagePreprocessing _preprocessing;

    /// <summary>Creates a loader; <paramref name="shape"/> is the C×H×W every preprocessed sample must have.</summary>
    public StreamingLoader(IDatasetSplit split, ImagePreprocessing preprocessing, SampleShape shape, int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _split = split;
        _preprocessing = preprocessing;
        Shape = shape;
        BatchSize = batchSize;
        Seed = seed;
    }

    /// <summary>The preprocessed sample shape.</summary>
    public SampleShape Shape { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seeds the epoch order and augmentation.</summary>
    public int Seed { get; }

    /// <summary>Decoding threads (default 2).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Batches prepared ahead of the consumer (default 4).</summary>
    public int Prefetch { get; init; } = 4;

    /// <summary>Shuffle each epoch (seeded) and apply training augmentation.</summary>
    public bool Training { get; init; }

    /// <summary>Batches in an epoch.</summary>
    public int BatchCount => (_split.Count + BatchSize - 1) / BatchSize;

    /// <summary>The most bytes of batches alive at once: (<see cref="Prefetch"/> + 1) batches of floats.</summary>
    public long BatchMemoryBound => (Prefetch + 1L) * BatchSize * Shape.Size * 4;

    /// <summary>The sample order of <paramref name="epoch"/>: fixed by (<see cref="Seed"/>, epoch) alone, the same in every process.</summary>
    public int[] Order(int epoch) =>
        Training ? SplitPlan.Permutation(_split.Count, EpochSeed(Seed, epoch)) : Enumerable.Range(0, _split.Count).ToArray();

    /// <summary>
    /// The shuffle seed of one epoch. Not <see cref="HashCode.Combine{T1, T2}(T1, T2)"/>: that hash is randomized per
    /// process, so the same seed gave a different order in every run. SplitMix64's finalizer over (seed, epoch) instead.
    /// </summary>
    private static int EpochSeed(int seed, int epoch)
    {
        var z = (((ulong)(uint)seed << 32) | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)(uint)(z ^ (z >> 31));
    }

    /// <summary>Labels must be below this (0: not checked).</summary>
    public int ClassCount { get; init; }

    /// <summary>The batches of <paramref name="epoch"/>, in order.</summary>
    /// <exception cref="DatasetFormatException">A sample is unreadable or has another shape than <see cref="Shape"/>.</exception>
    public IAsyncEnumerable<Batch> EpochAsync(int epoch, CancellationToken cancellation = default) =>
        StreamAsync(Order(epoch), 0, BatchCount, Training ? epoch : null, cancellation);

    /// <summary>
    /// Batches <paramref name="firstBatch"/> .. <paramref name="firstBatch"/> + <paramref name="batchCount"/> − 1 of a
    /// caller's sample order (batch k holds <c>order[k × BatchSize ..]</c>), prefetched like an epoch; with
    /// <paramref name="augmentationEpoch"/>, each sample gets the training augmentation of (<see cref="Seed"/>, that key, its index).
    /// The compressor uses this to follow its own per-(seed, phase, epoch) order and to resume in the middle of an epoch.
    /// </summary>
    /// <exception cref="DatasetFormatException">A sample is unreadable, has another shape than <see cref="Shape"/>, or a label out of range.</exception>
    public IEnumerable<Batch> Stream(int[] order, int firstBatch, int batchCount, int? augmentationEpoch, CancellationToken cancellation = default) =>
        Synchronously(StreamAsync(order, firstBatch, batchCount, augmentationEpoch, cancellation));

    private async IAsyncEnumerable<Batch> StreamAsync(int[] order, int firstBatch, int batchCount, int? augmentationEpoch,
        [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, Math.Max(1, Threads)).ConcurrentScheduler;
        var factory = new TaskFactory(cancellation, TaskCreationOptions.DenyChildAttach, TaskContinuationOptions.None, scheduler);
        var pending = new Queue<Task<Batch>>();
        var next = firstBatch;
        var end = firstBatch + batchCount;
        try
        {
            while (next < end || pending.Count > 0)
            {
                while (next < end && pending.Count < Math.Max(1, Prefetch))
                {
                    var b = next++;
                    pending.Enqueue(factory.StartNew(() => Build(order, b, augmentationEpoch)));
                }

                yield return await pending.Dequeue().ConfigureAwait(false);
            }
        }
        finally
        {
            // Let in-flight work finish (its exceptions are not the consumer's) before the caller moves on.
            foreach (var task in pending)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is DatasetFormatException or OperationCanceledException)
                {
                }
            }
        }
    }

    /// <summary>The batches of <paramref name="epoch"/>, synchronously.</summary>
    public IEnumerable<Batch> Epoch(int epoch) => Synchronously(EpochAsync(epoch));

    private static IEnumerable<Batch> Synchronously(IAsyncEnumerable<Batch> batches)
    {
        var enumerator = batches.GetAsyncEnumerator();
        try
        {
            while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult()) yield return enumerator.Current;
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private Batch Build(int[] order, int batch, int? augmentationEpoch)
    {
        var first = batch * BatchSize;
        var count = Math.Min(BatchSize, order.Length - first);
        var size = Shape.Size;
        var images = new float[count * size];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var index = order[first + i];
            var sample = _split.Read(index);
            var (hwc, shape) = _preprocessing.Geometry(sample);
            if (shape != Shape)
                throw new DatasetFormatException(sample.Source, $"is {shape} after preprocessing, not {Shape}; declare data.resize and data.centerCrop", index);
            var target = images.AsSpan(i * size, size);
            _preprocessing.Normalize(hwc, shape, target);
            if (augmentationEpoch is { } key) _preprocessing.Augment(target, shape.Channels, shape.Height, shape.Width, Seed, key, index);
            if (ClassCount > 0 && (sample.Label < 0 || sample.Label >= ClassCount))
                throw new DatasetFormatException(sample.Source, $"label {sample.Label} is out of range 0..{ClassCount - 1}", index);
            labels[i] = sample.Label;
        }

        return new Batch(batch, images, labels, count);
    }
}
