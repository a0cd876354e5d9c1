using System.Collections;

namespace AdmmNn.Tensors.Training;

/// <summary>
/// Mini-batches over in-memory samples. With shuffling, each enumeration (epoch) draws a new permutation from a
/// generator seeded once, so the sequence of epochs is reproducible from the seed. Batch buffers are reused.
/// </summary>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly float[] _images;
    private readonly int[] _labels;
    private readonly int[] _sampleShape;
    private readonly int _sampleSize;
    private readonly bool _shuffle;
    private readonly Random _random;
    private readonly int[] _order;
    private Batch? _full, _tail;

    /// <summary>Creates a loader over <paramref name="images"/> (samples of <paramref name="sampleShape"/>, back to back) and <paramref name="labels"/>.</summary>
    public DataLoader(float[] images, int[] labels, int[] sampleShape, int batchSize, bool shuffle, int seed)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _sampleSize = Tensor.SizeOf(sampleShape);
        if ((long)_sampleSize * labels.Length != images.Length)
        {
            throw new ArgumentException($"DataLoader: {images.Length} image values are not {labels.Length} samples of shape {Tensor.ShapeToText(sampleShape)}.");
        }

        _images = images;
        _labels = labels;
        _sampleShape = (int[])sampleShape.Clone();
        BatchSize = batchSize;
        _shuffle = shuffle;
        _random = new Random(seed);
        _order = Enumerable.Range(0, labels.Length).ToArray();
    }

    /// <summary>Samples per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Mirror each sample left-right with probability 1/2 (training augmentation for images whose last dimension is the
    /// width). Draws come from the loader's seeded generator, so runs stay reproducible.
    /// </summary>
    public bool RandomHorizontalFlip { get; init; }

    /// <summary>Skip a final partial batch.</summary>
    public bool DropLast { get; init; }

    /// <summary>Number of samples.</summary>
    public int Count => _labels.Length;

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <inheritdoc />
    public IEnumerator<Batch> GetEnumerator()
    {
        if (_shuffle)
        {
            // Fisher–Yates over the previous order: each epoch continues the same seeded stream.
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = _random.Next(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }

        for (int start = 0; start < Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, Count - start);
            if (n < BatchSize && DropLast)
            {
                yield break;
            }

            var batch = n == BatchSize ? _full ??= Create(n) : (_tail is { } t && t.Count == n ? t : _tail = Create(n));
            var dst = batch.Images.AsSpan();
            for (int i = 0; i < n; i++)
            {
                int s = _order[start + i];
                var sample = dst.Slice(i * _sampleSize, _sampleSize);
                _images.AsSpan(s * _sampleSize, _sampleSize).CopyTo(sample);
                if (RandomHorizontalFlip && _random.Next(2) == 1)
                {
                    int width = _sampleShape[^1];
                    for (int row = 0; row < _sampleSize; row += width)
                    {
                        sample.Slice(row, width).Reverse();
                    }
                }

                batch.Labels[i] = _labels[s];
            }

            yield return batch;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Batch Create(int n) => new(new Tensor([n, .. _sampleShape]), new int[n]);
}
