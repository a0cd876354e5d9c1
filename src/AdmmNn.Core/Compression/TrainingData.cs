using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The run's data as float images and int labels: the policy's subsets of train and test, and the monitor slice the run
/// tunes on (the validation split when there is one, never the test split then).
/// </summary>
internal sealed class TrainingData
{
    private TrainingData(LabeledImageSet train, LabeledImageSet test, LabeledImageSet? validation, int monitorSamples)
    {
        SampleShape = [train.Channels, train.Height, train.Width];
        TrainImages = train.ToFloatImages();
        TrainLabels = train.LabelsAsInt();
        TestImages = test.ToFloatImages();
        TestLabels = test.LabelsAsInt();
        SampleSize = SampleShape.Aggregate(1, (a, d) => a * d);
        Augmentation = train.Preprocessing;
        TestName = test.Name;
        TestCount = test.Count;
        if (validation is null)
        {
            MonitorCount = Math.Min(monitorSamples, test.Count);
            MonitorImages = TestImages.AsSpan(0, MonitorCount * SampleSize).ToArray();
            MonitorLabels = TestLabels.AsSpan(0, MonitorCount).ToArray();
            MonitorOrigin = $"test (no validation split given): first {MonitorCount} samples of {test.Name}";
        }
        else
        {
            MonitorCount = Math.Min(monitorSamples, validation.Count);
            var monitor = validation.Take(MonitorCount);
            MonitorImages = monitor.ToFloatImages();
            MonitorLabels = monitor.LabelsAsInt();
            MonitorOrigin = $"validation: first {MonitorCount} samples of {validation.Name}";
        }
    }

    public int[] SampleShape { get; }

    public int SampleSize { get; }

    public float[] TrainImages { get; }

    public int[] TrainLabels { get; }

    public float[] TestImages { get; }

    public int[] TestLabels { get; }

    /// <summary>Samples evaluated after every ADMM iteration: the first ones of the validation split, else of the test set.</summary>
    public int MonitorCount { get; }

    public float[] MonitorImages { get; }

    public int[] MonitorLabels { get; }

    /// <summary>Where the monitor samples come from, for the result's <c>splits</c>.</summary>
    public string MonitorOrigin { get; }

    /// <summary>The training split's preprocessing: its random crop and flip are applied per sample as batches are filled.</summary>
    public ImagePreprocessing Augmentation { get; }

    /// <summary>The test split's name and size, for the result's <c>splits</c>.</summary>
    public string TestName { get; }

    public int TestCount { get; }

    /// <summary>The first <c>data.trainSamples</c> / <c>data.testSamples</c> of each set, as the policy asks.</summary>
    public static TrainingData Create(CompressionPolicy policy, LabeledImageSet train, LabeledImageSet test, LabeledImageSet? validation = null)
    {
        if (policy.Data.TrainSamples is { } nTrain && nTrain < train.Count) train = train.Take(nTrain);
        if (policy.Data.TestSamples is { } nTest && nTest < test.Count) test = test.Take(nTest);
        return new TrainingData(train, test, validation, policy.Schedule.MonitorSamples);
    }

    /// <summary>Which split each figure of the result comes from, plus where the splits themselves came from.</summary>
    public void DescribeSplits(IDictionary<string, string> splits, IReadOnlyDictionary<string, string>? origins)
    {
        splits["baselineAccuracy"] = $"test: {TestName}, {TestCount} samples";
        splits["finalAccuracy"] = $"test: {TestName}, {TestCount} samples";
        splits["monitorAccuracy"] = MonitorOrigin;
        foreach (var (split, origin) in origins ?? new Dictionary<string, string>()) splits[split] = origin;
    }

    /// <summary>Batches in one epoch: whole batches of the training set, at most <c>maxBatchesPerEpoch</c>.</summary>
    public int BatchesPerEpoch(CompressionSchedule schedule)
    {
        var batches = Math.Max(1, TrainLabels.Length / schedule.BatchSize);
        return schedule.MaxBatchesPerEpoch is { } cap ? Math.Min(batches, cap) : batches;
    }
}
