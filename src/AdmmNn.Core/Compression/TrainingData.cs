using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;

namespace AdmmNn.Core.Compression;

/// <summary>The run's data as float images and int labels: the policy's subsets of train and test, and the monitor slice of test.</summary>
internal sealed class TrainingData
{
    private TrainingData(LabeledImageSet train, LabeledImageSet test, int monitorSamples)
    {
        SampleShape = [train.Channels, train.Height, train.Width];
        TrainImages = train.ToFloatImages();
        TrainLabels = train.LabelsAsInt();
        TestImages = test.ToFloatImages();
        TestLabels = test.LabelsAsInt();
        SampleSize = SampleShape.Aggregate(1, (a, d) => a * d);
        MonitorCount = Math.Min(monitorSamples, test.Count);
        MonitorImages = TestImages.AsSpan(0, MonitorCount * SampleSize).ToArray();
        MonitorLabels = TestLabels.AsSpan(0, MonitorCount).ToArray();
    }

    public int[] SampleShape { get; }

    public int SampleSize { get; }

    public float[] TrainImages { get; }

    public int[] TrainLabels { get; }

    public float[] TestImages { get; }

    public int[] TestLabels { get; }

    /// <summary>Test samples evaluated after every ADMM iteration (the first ones of the test set).</summary>
    public int MonitorCount { get; }

    public float[] MonitorImages { get; }

    public int[] MonitorLabels { get; }

    /// <summary>The first <c>data.trainSamples</c> / <c>data.testSamples</c> of each set, as the policy asks.</summary>
    public static TrainingData Create(CompressionPolicy policy, LabeledImageSet train, LabeledImageSet test)
    {
        if (policy.Data.TrainSamples is { } nTrain && nTrain < train.Count) train = train.Take(nTrain);
        if (policy.Data.TestSamples is { } nTest && nTest < test.Count) test = test.Take(nTest);
        return new TrainingData(train, test, policy.Schedule.MonitorSamples);
    }

    /// <summary>Batches in one epoch: whole batches of the training set, at most <c>maxBatchesPerEpoch</c>.</summary>
    public int BatchesPerEpoch(CompressionSchedule schedule)
    {
        var batches = Math.Max(1, TrainLabels.Length / schedule.BatchSize);
        return schedule.MaxBatchesPerEpoch is { } cap ? Math.Min(batches, cap) : batches;
    }
}
