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

    private static double ShareOfClass(ModelGraph model)
    {
        var test = TestData.FashionMnistTestSample(200);
        var logits = Evaluator.Logits(GraphModule.FromGraph(model), test.ToFloatImages(), test.Count, [1, 28, 28], 100);
        var classes = logits.Length / test.Count;
        var hits = Enumerable.Range(0, test.Count).Count(i => ArgMax(logits.AsSpan(i * classes, classes)) == Class);
        return (double)hits / test.Count;
    }

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
