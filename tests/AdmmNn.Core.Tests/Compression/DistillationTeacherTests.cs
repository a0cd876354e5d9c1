using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Policy;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Training;
using AdmmNn.TestUtilities;

namespace AdmmNn.Core.Tests.Compression;

/// <summary>
/// <c>schedule.distillation.teacher</c>: the named model's logits, not the input model's, are the soft targets; a teacher
/// that does not fit the student is an error naming the field and the file; a run with a teacher resumes bit-identically.
/// </summary>
public sealed class DistillationTeacherTests : IDisposable
{
    private const int Class = 3;
    private readonly TempDirectory _temp = new("admmnn-teacher");

    public void Dispose() => _temp.Dispose();

    /// <summary>Pure distillation (weight 1): the labels play no part, only the teacher's logits do.</summary>
    private CompressionPolicy Policy(bool namedTeacher)
    {
        _temp.WriteFile("teacher.onnx", "the graph is handed over in CompressionOptions.Teacher");
        var teacher = namedTeacher ? ", \"teacher\": \"teacher.onnx\"" : "";
        return PolicyLoader.Parse($$"""
            {
              "seed": 5,
              "deterministic": true,
              "data": { "trainSamples": 256, "testSamples": 200 },
              "layers": [ { "match": "fc1.weight", "prune": { "keep": 0.2 }, "quantize": { "bits": 4 } } ],
              "schedule": { "batchSize": 32, "maxBatchesPerEpoch": 8, "admmInterval": 4, "monitorSamples": 32,
                "distillation": { "weight": 1, "temperature": 2{{teacher}} },
                "admmPrune": { "epochs": 1, "learningRate": 0.003 }, "retrain": { "epochs": 1, "learningRate": 0.003 },
                "admmQuantize": { "epochs": 1 }, "finetune": { "epochs": 0 } },
              "gates": { "maxAccuracyDrop": 1.0 }
            }
            """, _temp.Combine("policy.json"));
    }

    private static ModelGraph Student() => ModelZoo.Create("lenet5", 11);

    private CompressionOutcome Run(CompressionPolicy policy, ModelGraph? teacher, CompressionOptions? options = null, CancellationToken ct = default)
    {
        options ??= new CompressionOptions();
        if (teacher is not null) options.Teacher = new DistillationTeacher(teacher, _temp.Combine("teacher.onnx"), ImagePreprocessing.Default);
        return new Compressor(policy).Run(Student(), TestData.FashionMnistTrainSample(256), TestData.FashionMnistTestSample(200), options, ct);
    }

    /// <summary>A LeNet-5 whose every image scores class <see cref="Class"/> far above the rest (fc2 weights zero, one large bias).</summary>
    private static ModelGraph AlwaysClass()
    {
        var g = Student();
        Array.Clear(g.Initializer("fc2.weight")!.Floats!);
        var bias = g.Initializer("fc2.bias")!.Floats!;
        Array.Clear(bias);
        bias[Class] = 20;
        return g;
    }

    /// <summary>The class each of the first 200 test images gets.</summary>
    private static int[] Predictions(ModelGraph model)
    {
        var test = TestData.FashionMnistTestSample(200);
        var logits = Evaluator.Logits(GraphModule.FromGraph(model), test.ToFloatImages(), test.Count, [1, 28, 28], 100);
        var classes = logits.Length / test.Count;
        return Enumerable.Range(0, test.Count).Select(i => ArgMax(logits.AsSpan(i * classes, classes))).ToArray();
    }

    private static double ShareOfClass(ModelGraph model) => Predictions(model).Count(c => c == Class) / 200.0;

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
        return best;
    }

    [Fact]
    public void The_named_teachers_logits_are_the_soft_targets_not_the_input_models()
    {
        var fromInput = Run(Policy(namedTeacher: false), teacher: null).Model;
        var fromCopy = Run(Policy(namedTeacher: true), teacher: Student()).Model;
        var fromBiased = Run(Policy(namedTeacher: true), teacher: AlwaysClass()).Model;

        // A teacher identical to the input model gives the same soft targets, so the same weights, bit for bit.
        foreach (var init in fromInput.Initializers.Where(i => i.Floats is not null))
            Assert.True(init.Floats!.SequenceEqual(fromCopy.Initializer(init.Name)!.Floats!), $"{init.Name} differs with a copy of the input model as teacher");
        // A teacher that always answers class 3 pulls the student there; the input model's targets do not.
        var biasedShare = ShareOfClass(fromBiased);
        var inputShare = ShareOfClass(fromInput);
        Assert.True(biasedShare > 0.9, $"student of the class-{Class} teacher predicts class {Class} on {biasedShare:P0} of the test images");
        Assert.True(inputShare < 0.5, $"student of the input model predicts class {Class} on {inputShare:P0} of the test images");
    }

    /// <summary>
    /// The input model for raw pixels 0..255 (conv1's weights / 255) and the preprocessing it would record ("divide by 1"):
    /// fed that way its logits equal the input model's up to rounding; fed the student's 0..1 pixels they would not.
    /// </summary>
    internal static (ModelGraph Graph, ImagePreprocessing Preprocessing) RawPixelTeacher(ModelGraph model)
    {
        var conv1 = model.Initializer("conv1.weight")!.Floats!;
        for (var i = 0; i < conv1.Length; i++) conv1[i] /= 255f;
        return (model, ImagePreprocessing.Default with { DivideBy = 1 });
    }

    /// <summary>Largest |a − b| over the largest |a|.</summary>
    internal static double RelativeDifference(float[] a, float[] b) =>
        a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max() / a.Max(v => Math.Abs((double)v));

    [Fact]
    public void The_teachers_logits_come_from_the_images_scaled_as_it_records_not_as_the_student()
    {
        var data = TrainingData.Create(Policy(namedTeacher: false), TestData.FashionMnistTrainSample(256), TestData.FashionMnistTestSample(200), null, 500);
        var (raw, preprocessing) = RawPixelTeacher(Student());

        var student = data.TrainLogits(GraphModule.FromGraph(Student()));
        var own = data.TrainLogits(GraphModule.FromGraph(raw), preprocessing);
        var misfed = data.TrainLogits(GraphModule.FromGraph(raw));

        Assert.Equal(256 * 10, own.Length);
        Assert.True(RelativeDifference(student, own) < 1e-4, $"with its own scaling: {RelativeDifference(student, own)}");
        Assert.True(RelativeDifference(student, misfed) > 0.1, $"fed the student's scaling: {RelativeDifference(student, misfed)}");
    }

    [Fact]
    public void A_teacher_with_another_class_count_is_an_error_naming_the_field_and_the_file()
    {
        var teacher = Student();
        var fc2 = teacher.Initializer("fc2.weight")!;
        fc2.Floats = fc2.Floats![..(7 * 500)];
        fc2.Dims = [7, 500];
        var bias = teacher.Initializer("fc2.bias")!;
        bias.Floats = bias.Floats![..7];
        bias.Dims = [7];

        var ex = Assert.Throws<PolicyException>(() => Run(Policy(namedTeacher: true), teacher));
        Assert.Contains("schedule.distillation.teacher", ex.Message);
        Assert.Contains($"'{_temp.Combine("teacher.onnx")}' gives 7 class scores per image, the student 10", ex.Message);
    }

    [Fact]
    public void A_teacher_with_another_input_shape_or_none_given_is_an_error_naming_the_field()
    {
        var teacher = Student();
        teacher.Inputs[0] = teacher.Inputs[0] with { Dims = [1, 1, 32, 32] };
        var ex = Assert.Throws<PolicyException>(() => Run(Policy(namedTeacher: true), teacher));
        Assert.Contains("schedule.distillation.teacher", ex.Message);
        Assert.Contains("takes inputs of shape [1,32,32], the student [1,28,28]", ex.Message);

        var missing = Assert.Throws<PolicyException>(() => Run(Policy(namedTeacher: true), teacher: null));
        Assert.Contains("schedule.distillation.teacher", missing.Message);
        Assert.Contains("the run was given no teacher model", missing.Message);
    }

    [Fact]
    public void A_run_with_a_teacher_resumed_from_its_checkpoint_ends_with_the_same_weights()
    {
        var policy = Policy(namedTeacher: true);
        var straight = Run(policy, AlwaysClass());

        var dir = _temp.Combine("ckpt");
        using var cts = new CancellationTokenSource();
        var reports = 0;
        var killed = new CompressionOptions
        {
            CheckpointDirectory = dir,
            Progress = new Sync(p => { if (p.Iteration > 0 && ++reports == 2) cts.Cancel(); }),
        };
        Assert.ThrowsAny<OperationCanceledException>(() => Run(policy, AlwaysClass(), killed, cts.Token));
        var resumed = Run(policy, AlwaysClass(), new CompressionOptions { CheckpointDirectory = dir, Resume = true });
        foreach (var init in straight.Model.Initializers.Where(i => i.Floats is not null))
            Assert.True(init.Floats!.SequenceEqual(resumed.Model.Initializer(init.Name)!.Floats!), $"{init.Name} differs after resume");
    }

    private sealed class Sync(Action<CompressionProgress> action) : IProgress<CompressionProgress>
    {
        public void Report(CompressionProgress value) => action(value);
    }
}
