using AdmmNn.Abstractions.Datasets;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Tests.Compression;

/// <summary>
/// The compressor's streamed data holds no split in memory: setting up reads only the monitor samples, and the memory
/// bound is the same for a thousand and for a million training images.
/// </summary>
public sealed class StreamedTrainingDataTests
{
    private static readonly SampleShape Shape = new(28, 28, 1);

    private static readonly CompressionPolicy Policy = PolicyLoader.Parse("""
        { "layers": [], "schedule": { "batchSize": 32, "monitorSamples": 50 } }
        """);

    [Fact]
    public void Setting_up_reads_only_the_monitor_samples_and_the_bound_does_not_grow_with_the_split()
    {
        var (small, smallReads) = Create(1_000);
        var (large, largeReads) = Create(1_000_000);

        Assert.True(large.Streamed);
        Assert.Equal(50, largeReads.Count);
        Assert.Equal(50, smallReads.Count);
        Assert.Equal(small.StreamingMemoryBound, large.StreamingMemoryBound);
        // (4 prefetched + 1) batches of 32 training and of 500 test samples, plus the 50 monitor samples: floats of 1x28x28.
        Assert.Equal((5L * 32 + 5L * 500 + 50) * Shape.Size * 4, large.StreamingMemoryBound);
        Assert.Equal(1_000_000, large.TrainCount);
        Assert.Equal(50, large.MonitorImages.Length / large.SampleSize);
    }

    [Fact]
    public void Streamed_test_evaluation_reads_each_test_sample_once()
    {
        var (data, reads) = Create(2_000, testCount: 1_234);
        reads.Clear();

        var result = data.EvaluateTest(Tensors.Modules.GraphModule.FromGraph(Tensors.Models.ModelZoo.Create("lenet-300-100", 1)));

        Assert.Equal(1_234, result.Count);
        Assert.Equal(1_234, reads.Count);
        Assert.Equal(1_234, reads.Distinct().Count());
    }

    [Fact]
    public void Streamed_teacher_logits_take_the_teachers_own_scaling()
    {
        var (data, _) = Create(700);
        var (raw, preprocessing) = DistillationTeacherTests.RawPixelTeacher(Tensors.Models.ModelZoo.Create("lenet5", 2));

        var student = data.TrainLogits(Tensors.Modules.GraphModule.FromGraph(Tensors.Models.ModelZoo.Create("lenet5", 2)));
        var own = data.TrainLogits(Tensors.Modules.GraphModule.FromGraph(raw), preprocessing);
        var misfed = data.TrainLogits(Tensors.Modules.GraphModule.FromGraph(raw));

        Assert.Equal(700 * 10, own.Length);
        Assert.True(DistillationTeacherTests.RelativeDifference(student, own) < 1e-4);
        Assert.True(DistillationTeacherTests.RelativeDifference(student, misfed) > 0.1);
    }

    private static (TrainingData Data, System.Collections.Concurrent.ConcurrentBag<int> Reads) Create(int trainCount, int testCount = 200)
    {
        var reads = new System.Collections.Concurrent.ConcurrentBag<int>();
        var dataset = new Synthetic([new Split(DatasetSplitNames.Train, trainCount, reads), new Split(DatasetSplitNames.Test, testCount, reads)]);
        var streamed = new StreamedData(dataset, dataset.Splits[0], null, dataset.Splits[1], ImagePreprocessing.Default, Shape,
            new Dictionary<string, string>());
        return (TrainingData.Create(Policy, streamed, 500, 7), reads);
    }

    /// <summary>Generates sample i from its index: nothing is stored, every read is counted.</summary>
    private sealed class Split(string name, int count, System.Collections.Concurrent.ConcurrentBag<int> reads) : IDatasetSplit
    {
        public string Name => name;

        public int Count => count;

        public SampleShape? Shape => StreamedTrainingDataTests.Shape;

        public int LabelOf(int index) => index % 10;

        public DatasetSample Read(int index)
        {
            reads.Add(name == DatasetSplitNames.Test ? -1 - index : index);
            var pixels = new byte[StreamedTrainingDataTests.Shape.Size];
            for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(index * 31 + i);
            return new DatasetSample(StreamedTrainingDataTests.Shape, pixels, LabelOf(index), $"{name}[{index}]");
        }
    }

    private sealed class Synthetic(IReadOnlyList<IDatasetSplit> splits) : IDataset
    {
        public string Name => "synthetic";

        public string Format => "synthetic";

        public IReadOnlyList<IDatasetSplit> Splits => splits;

        public int ClassCount => 10;

        public IReadOnlyList<string> ClassNames { get; } = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        public void Dispose()
        {
        }
    }
}
