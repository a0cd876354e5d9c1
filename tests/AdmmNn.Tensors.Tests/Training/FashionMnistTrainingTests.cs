using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Training;
using AdmmNn.TestUtilities;

namespace AdmmNn.Tensors.Tests.Training;

/// <summary>A short training run on real Fashion-MNIST images: the loss must drop and accuracy rise well above chance.</summary>
public sealed class FashionMnistTrainingTests
{
    [Fact]
    public void LeNet5_learns_from_a_few_hundred_real_images()
    {
        var train = TestData.FashionMnistTrainSample(640);
        var test = TestData.FashionMnistTestSample(500);
        var model = GraphModule.FromGraph(ModelZoo.Create("lenet5", 1));
        var trainer = new Trainer(model, new Adam(model.Parameters, 1e-3));
        var loader = new DataLoader(train.ToFloatImages(), train.LabelsAsInt(), [1, 28, 28], 32, shuffle: true, seed: 1);
        var before = Evaluator.Evaluate(model, test.ToFloatImages(), test.LabelsAsInt(), [1, 28, 28], 250);
        var first = trainer.TrainEpoch(loader);
        BatchResult last = first;
        for (int epoch = 1; epoch < 4; epoch++)
        {
            last = trainer.TrainEpoch(loader);
        }

        var after = Evaluator.Evaluate(model, test.ToFloatImages(), test.LabelsAsInt(), [1, 28, 28], 250);
        Assert.True(last.Loss < first.Loss * 0.7, $"training loss {first.Loss:F3} → {last.Loss:F3}");
        Assert.True(after.Loss < before.Loss * 0.5, $"test loss {before.Loss:F3} → {after.Loss:F3}");
        Assert.True(after.Accuracy > 0.6, $"test accuracy {after.Accuracy:P1}");
        Assert.Equal(500, after.Count);
    }

    [Fact]
    public void Hooks_run_after_backward_and_after_the_step()
    {
        var model = GraphModule.FromGraph(ModelZoo.Create("lenet-300-100", 1));
        var trainer = new Trainer(model, new Sgd(model.Parameters, 0.1));
        var hook = new MaskHook();
        trainer.Hooks.Add(hook);
        var images = new Tensor(Enumerable.Range(0, 4 * 784).Select(i => (i % 13) / 13f).ToArray(), [4, 1, 28, 28]);
        trainer.TrainBatch(images, [1, 2, 3, 4]);
        Assert.Equal(["backward", "step"], hook.Calls);
        Assert.True(hook.GradientWasNonZero);
        Assert.Equal(0f, model.Parameter("fc1.weight")!.Value.AsSpan()[0]);
    }

    private sealed class MaskHook : ITrainingHook
    {
        public List<string> Calls { get; } = [];

        public bool GradientWasNonZero { get; private set; }

        public void AfterBackward(GraphModule m)
        {
            Calls.Add("backward");
            GradientWasNonZero = m.Parameter("fc3.weight")!.Grad.ToArray().Any(v => v != 0);
        }

        public void AfterStep(GraphModule m)
        {
            Calls.Add("step");
            m.Parameter("fc1.weight")!.Value.AsSpan()[0] = 0f;
        }
    }
}
