using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Tensors.Tests.Training;

[Collection(WorkersCollection.Name)]
public sealed class DeterminismTests
{
    private static float[] TrainFewSteps(string arch, int threads, int seed)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var model = GraphModule.FromGraph(ModelZoo.Create(arch, seed));
            var trainer = new Trainer(model, new Sgd(model.Parameters, 0.05, momentum: 0.9));
            var random = new Random(seed);
            var images = Enumerable.Range(0, 64 * 784).Select(_ => random.NextSingle()).ToArray();
            var labels = Enumerable.Range(0, 64).Select(_ => random.Next(10)).ToArray();
            foreach (var batch in new DataLoader(images, labels, [1, 28, 28], 32, shuffle: true, seed: seed))
            {
                trainer.TrainBatch(batch.Images, batch.Labels);
            }

            return model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
        }
        finally
        {
            Workers.Threads = saved;
        }
    }

    [Theory]
    [InlineData("lenet5")]
    [InlineData("resnet-small")]
    public void Same_seed_and_threads_give_bit_identical_weights(string arch)
    {
        var a = TrainFewSteps(arch, 2, 11);
        var b = TrainFewSteps(arch, 2, 11);
        Assert.Equal(a, b);
        Assert.NotEqual(a, TrainFewSteps(arch, 2, 12));
    }

    [Fact]
    public void Weights_do_not_depend_on_the_engine_worker_count()
    {
        Assert.Equal(TrainFewSteps("lenet5", 1, 3), TrainFewSteps("lenet5", 2, 3));
    }
}
