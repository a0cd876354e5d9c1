using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Loading;

/// <summary>
/// What <c>admmnn data info</c> prints for a split: samples per class, the sizes seen, and per-channel mean and standard
/// deviation of the pixels divided by 255 (byte sources) — the numbers to copy into the policy's <c>data.mean</c>/<c>data.std</c>.
/// </summary>
/// <param name="Count">Samples.</param>
/// <param name="PerClass">Samples per label.</param>
/// <param name="Shapes">Each stored shape seen, with how many samples have it.</param>
/// <param name="Mean">Per-channel mean (of the most common channel count).</param>
/// <param name="Std">Per-channel population standard deviation.</param>
/// <param name="Scanned">Samples whose pixels were read for the statistics.</param>
public sealed record DatasetStatistics(int Count, int[] PerClass, IReadOnlyDictionary<SampleShape, int> Shapes, double[] Mean, double[] Std, int Scanned)
{
    /// <summary>Reads the pixels of up to <paramref name="limit"/> samples of <paramref name="split"/> (evenly spread) on <paramref name="threads"/> threads; memory is one sample per thread.</summary>
    /// <exception cref="DatasetFormatException">A sample is unreadable or its label out of range.</exception>
    public static DatasetStatistics Compute(IDatasetSplit split, int classCount, int? limit = null, int threads = 2)
    {
        ArgumentNullException.ThrowIfNull(split);
        var perClass = new int[classCount];
        for (var i = 0; i < split.Count; i++)
        {
            var label = split.LabelOf(i);
            if (label < 0 || label >= classCount) throw new DatasetFormatException(split.Name, $"label {label} is out of range 0..{classCount - 1}", i);
            perClass[label]++;
        }

        var n = Math.Min(split.Count, limit ?? int.MaxValue);
        var shapes = new Dictionary<SampleShape, int>();
        var sums = new double[3];
        var squares = new double[3];
        var pixelsPerChannel = new long[3];
        var gate = new object();
        var errors = new DatasetFormatException?[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => (Sum: new double[3], Square: new double[3], Pixels: new long[3], Shapes: new Dictionary<SampleShape, int>()),
            (k, state, local) =>
            {
                var index = (int)((long)k * split.Count / n);
                try
                {
                    var sample = split.Read(index);
                    var s = sample.Shape;
                    local.Shapes[s] = local.Shapes.GetValueOrDefault(s) + 1;
                    var c = s.Channels;
                    for (var i = 0; i < s.Size; i++)
                    {
                        var v = sample.Bytes is { } b ? b[i] / 255.0 : sample.Floats![i];
                        var ch = Math.Min(i % c, 2);
                        local.Sum[ch] += v;
                        local.Square[ch] += v * v;
                        local.Pixels[ch]++;
                    }
                }
                catch (DatasetFormatException ex)
                {
                    errors[k] = ex;
                    state.Stop();
                }

                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        sums[c] += local.Sum[c];
                        squares[c] += local.Square[c];
                        pixelsPerChannel[c] += local.Pixels[c];
                    }

                    foreach (var (s, count) in local.Shapes) shapes[s] = shapes.GetValueOrDefault(s) + count;
                }
            });
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
        var channels = pixelsPerChannel.Count(p => p > 0);
        var mean = new double[channels];
        var std = new double[channels];
        for (var c = 0; c < channels; c++)
        {
            mean[c] = sums[c] / pixelsPerChannel[c];
            std[c] = Math.Sqrt(Math.Max(0, squares[c] / pixelsPerChannel[c] - mean[c] * mean[c]));
        }

        return new DatasetStatistics(split.Count, perClass, shapes, mean, std, n);
    }
}
