using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Tensors.Tests.Training;

public sealed class EvaluatorTests
{
    [Fact]
    public void Logits_in_batches_equal_one_forward_pass_and_restore_training_mode()
    {
        var model = GraphModule.FromGraph(ModelZoo.Create("lenet5", 1));
        var rng = new Random(5);
        var images = Enumerable.Range(0, 7 * 784).Select(_ => (float)rng.NextDouble()).ToArray();
        model.Training = true;

        var logits = Evaluator.Logits(model, images, 7, [1, 28, 28], 3); // batches of 3, 3 and 1

        Assert.True(model.Training);
        model.Training = false;
        var all = new Tensor([7, 1, 28, 28]);
        images.CopyTo(all.AsSpan());
        var expected = model.Forward(all).AsSpan().ToArray();
        Assert.Equal(70, logits.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], logits[i], 5);
    }
}
