using AdmmNn.Abstractions.Datasets;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Data.Loading;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The run's data: the policy's subsets of train and test, and the monitor slice the run tunes on (the validation split when
/// there is one, never the test split then). Either every split is in memory as floats (IDX, NumPy, CIFAR), or the training
/// and test splits are streamed (image folders): <see cref="StreamingLoader"/>s decode batches on worker threads as they are
/// used, so only the monitor slice (at most <c>schedule.monitorSamples</c> samples) and the loaders' prefetched batches are
/// held, whatever the split sizes.
/// </summary>
internal sealed class TrainingData
{
    /// <summary>Samples per streamed evaluation batch; the same as the compressor's evaluation batch, so streamed sums match.</summary>
    private readonly int _evaluationBatch;
    private readonly float[]? _trainImages;
    private readonly LabeledImageSet? _trainSet;
    private readonly int[]? _trainLabels;
    private readonly float[]? _testImages;
    private readonly int[]? _testLabels;
    private readonly StreamingLoader? _trainLoader;
    private readonly StreamingLoader? _testLoader;
    private readonly IDatasetSplit? _trainSplit;
    private readonly SampleShape _shape;

    private TrainingData(LabeledImageSet train, LabeledImageSet test, LabeledImageSet? validation, int monitorSamples, int evaluationBatch)
    {
        _evaluationBatch = evaluationBatch;
        SampleShape = [train.Channels, train.Height, train.Width];
        _trainSet = train;
        _trainImages = train.ToFloatImages();
        _trainLabels = train.LabelsAsInt();
        _testImages = test.ToFloatImages();
        _testLabels = test.LabelsAsInt();
        SampleSize = SampleShape.Aggregate(1, (a, d) => a * d);
        TrainCount = train.Count;
        Augmentation = train.Preprocessing;
        TestName = test.Name;
        TestCount = test.Count;
        if (validation is null)
        {
            MonitorCount = Math.Min(monitorSamples, test.Count);
            MonitorImages = _testImages.AsSpan(0, MonitorCount * SampleSize).ToArray();
            MonitorLabels = _testLabels.AsSpan(0, MonitorCount).ToArray();
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
        Loading = "in memory";
    }

    private TrainingData(StreamedData data, IDatasetSplit train, IDatasetSplit test, int monitorSamples, int evaluationBatch, int batchSize, int seed)
    {
        _evaluationBatch = evaluationBatch;
        var shape = data.Shape;
        _shape = shape;
        _trainSplit = train;
        SampleShape = [shape.Channels, shape.Height, shape.Width];
        SampleSize = shape.Size;
        TrainCount = train.Count;
        Augmentation = data.Preprocessing;
        TestName = data.NameOf(data.Test);
        TestCount = test.Count;
        var classes = data.Dataset.ClassCount;
        _trainLoader = new StreamingLoader(train, data.Preprocessing, shape, batchSize, seed) { ClassCount = classes };
        _testLoader = new StreamingLoader(test, data.Preprocessing, shape, evaluationBatch, seed) { ClassCount = classes };
        var (monitorSplit, monitorName) = data.Validation is { } v ? (v, data.NameOf(v)) : (test, TestName);
        MonitorCount = Math.Min(monitorSamples, monitorSplit.Count);
        MonitorImages = new float[MonitorCount * SampleSize];
        MonitorLabels = new int[MonitorCount];
        var monitorLoader = new StreamingLoader(new SubsetSplit(monitorSplit.Name, monitorSplit, Enumerable.Range(0, MonitorCount).ToArray()),
            data.Preprocessing, shape, evaluationBatch, seed) { ClassCount = classes };
        foreach (var batch in monitorLoader.Stream(Identity(MonitorCount), 0, monitorLoader.BatchCount, null))
        {
            var first = batch.Index * evaluationBatch;
            batch.Images.AsSpan(0, batch.Count * SampleSize).CopyTo(MonitorImages.AsSpan(first * SampleSize));
            batch.Labels.AsSpan(0, batch.Count).CopyTo(MonitorLabels.AsSpan(first));
        }
        MonitorOrigin = data.Validation is null
            ? $"test (no validation split given): first {MonitorCount} samples of {monitorName}"
            : $"validation: first {MonitorCount} samples of {monitorName}";
        StreamingMemoryBound = _trainLoader.BatchMemoryBound + _testLoader.BatchMemoryBound + (long)MonitorImages.Length * sizeof(float);
        Loading = $"streamed: {Threads} decoding threads, at most {StreamingMemoryBound:N0} bytes of batches and monitor samples " +
                  $"({_trainLoader.Prefetch} prefetched batches of {batchSize} training / {evaluationBatch} test samples)";
    }

    private const int Threads = 2;

    public int[] SampleShape { get; }

    public int SampleSize { get; }

    public int TrainCount { get; }

    /// <summary>True when the training and test splits are read batch by batch as they are used.</summary>
    public bool Streamed => _trainLoader is not null;

    /// <summary>With <see cref="Streamed"/>: the most bytes of preprocessed samples held at once (loaders' batches plus the monitor slice); independent of the split sizes.</summary>
    public long StreamingMemoryBound { get; }

    /// <summary>"in memory" or how the splits are streamed, for the result's <c>splits</c>.</summary>
    public string Loading { get; }

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
    public static TrainingData Create(CompressionPolicy policy, LabeledImageSet train, LabeledImageSet test, LabeledImageSet? validation, int evaluationBatch)
    {
        if (policy.Data.TrainSamples is { } nTrain && nTrain < train.Count) train = train.Take(nTrain);
        if (policy.Data.TestSamples is { } nTest && nTest < test.Count) test = test.Take(nTest);
        return new TrainingData(train, test, validation, policy.Schedule.MonitorSamples, evaluationBatch);
    }

    /// <summary>The streamed splits, cut to <c>data.trainSamples</c> / <c>data.testSamples</c> as <see cref="Create(CompressionPolicy, LabeledImageSet, LabeledImageSet, LabeledImageSet?, int)"/> does.</summary>
    public static TrainingData Create(CompressionPolicy policy, StreamedData data, int evaluationBatch, int seed)
    {
        var train = data.Train;
        var test = data.Test;
        if (policy.Data.TrainSamples is { } nTrain && nTrain < train.Count) train = new SubsetSplit(train.Name, train, Identity(nTrain));
        if (policy.Data.TestSamples is { } nTest && nTest < test.Count) test = new SubsetSplit(test.Name, test, Identity(nTest));
        return new TrainingData(data, train, test, policy.Schedule.MonitorSamples, evaluationBatch, policy.Schedule.BatchSize, seed);
    }

    /// <summary>Accuracy and loss on the test split (streamed in evaluation batches, or from memory).</summary>
    public EvaluationResult EvaluateTest(GraphModule module) => _testLoader is null
        ? Evaluator.Evaluate(module, _testImages!, _testLabels!, SampleShape, _evaluationBatch)
        : Evaluator.Evaluate(module, _testLoader.Stream(Identity(TestCount), 0, _testLoader.BatchCount, null).Select(ToTensorBatch));

    /// <summary>
    /// The logits of every training sample in stored order (distillation's teacher), [TrainCount, classes], with the
    /// samples scaled and normalized as <paramref name="preprocessing"/> says (null: as the run's own samples; its geometry
    /// must be the run's), never augmented.
    /// </summary>
    public float[] TrainLogits(GraphModule module, ImagePreprocessing? preprocessing = null)
    {
        var own = preprocessing is null || preprocessing.Equals(Augmentation);
        if (_trainLoader is null)
        {
            var images = own ? _trainImages! : _trainSet!.WithPreprocessing(preprocessing!).ToFloatImages();
            return Evaluator.Logits(module, images, TrainCount, SampleShape, _evaluationBatch);
        }
        float[] logits = [];
        var loader = new StreamingLoader(_trainSplit!, own ? Augmentation : preprocessing!, _shape, _evaluationBatch, _trainLoader.Seed) { ClassCount = _trainLoader.ClassCount };
        foreach (var batch in loader.Stream(Identity(TrainCount), 0, loader.BatchCount, null))
        {
            var part = Evaluator.Logits(module, batch.Images, batch.Count, SampleShape, _evaluationBatch);
            if (batch.Index == 0) logits = new float[(long)TrainCount * (part.Length / batch.Count)];
            part.CopyTo(logits.AsSpan(batch.Index * _evaluationBatch * (part.Length / batch.Count)));
        }
        return logits;
    }

    /// <summary>Copies training sample <paramref name="sample"/> (before augmentation) and returns its label; in-memory data only.</summary>
    public int CopyTrainSample(int sample, Span<float> image)
    {
        _trainImages!.AsSpan(sample * SampleSize, SampleSize).CopyTo(image);
        return _trainLabels![sample];
    }

    /// <summary>The streaming loader of the training split (null in memory).</summary>
    public StreamingLoader? TrainLoader => _trainLoader;

    /// <summary>Which split each figure of the result comes from, plus where the splits themselves came from.</summary>
    public void DescribeSplits(IDictionary<string, string> splits, IReadOnlyDictionary<string, string>? origins)
    {
        splits["baselineAccuracy"] = $"test: {TestName}, {TestCount} samples";
        splits["finalAccuracy"] = $"test: {TestName}, {TestCount} samples";
        splits["monitorAccuracy"] = MonitorOrigin;
        foreach (var (split, origin) in origins ?? new Dictionary<string, string>()) splits[split] = origin;
        if (Streamed) splits["loading"] = Loading;
    }

    /// <summary>Batches in one epoch: whole batches of the training set, at most <c>maxBatchesPerEpoch</c>.</summary>
    public int BatchesPerEpoch(CompressionSchedule schedule)
    {
        var batches = Math.Max(1, TrainCount / schedule.BatchSize);
        return schedule.MaxBatchesPerEpoch is { } cap ? Math.Min(batches, cap) : batches;
    }

    private static int[] Identity(int count) => Enumerable.Range(0, count).ToArray();

    private AdmmNn.Tensors.Training.Batch ToTensorBatch(AdmmNn.Data.Loading.Batch batch) =>
        new(new Tensor(batch.Images, [batch.Count, .. SampleShape]), batch.Labels);
}
