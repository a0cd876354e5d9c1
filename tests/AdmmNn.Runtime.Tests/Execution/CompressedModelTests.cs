using AdmmNn.Runtime.Tests.Support;

namespace AdmmNn.Runtime.Tests.Execution;

public sealed class CompressedModelTests
{
    [Theory]
    [InlineData(KernelChoice.Auto)]
    [InlineData(KernelChoice.Dense)]
    [InlineData(KernelChoice.Sparse)]
    public void Matches_the_engine_with_every_kernel_choice(KernelChoice kernels)
    {
        var g = TestGraphs.TinyConvNet(11, keep: 0.15);
        var model = CompressedModel.Load(EngineReference.Pack(g), new CompressedModelOptions { Kernels = kernels });
        Assert.Equal([1, 8, 8], model.InputShape);
        Assert.Equal([10], model.OutputShape);
        var input = EngineReference.RandomInput(5 * 64, 3);
        var expected = EngineReference.RunEngine(g, input, [5, 1, 8, 8]);
        var actual = new float[50];
        model.Run(input, 5, actual);
        EngineReference.AssertClose(expected, actual);
        foreach (var l in model.Layers)
        {
            double breakEven = l.OpType == "Conv" ? Kernels.LinearWeights.ConvSparseBelowDensity : Kernels.LinearWeights.LinearSparseBelowDensity;
            bool sparse = kernels == KernelChoice.Sparse || (kernels == KernelChoice.Auto && (double)l.NonZeros / l.Weights < breakEven);
            Assert.Equal(sparse ? "sparse" : "dense", l.Kernel);
        }
        if (kernels == KernelChoice.Auto) Assert.Contains(model.Layers, l => l.Kernel == "sparse");
    }

    [Fact]
    public void Single_sample_runs_equal_the_batch_run_and_threads_agree()
    {
        var g = TestGraphs.TinyConvNet(12, keep: 0.5, quantize: false);
        var bytes = EngineReference.Pack(g);
        var single = CompressedModel.Load(bytes);
        var threaded = CompressedModel.Load(bytes, new CompressedModelOptions { Threads = 3 });
        var input = EngineReference.RandomInput(7 * 64, 4);
        var batch = new float[70];
        threaded.Run(input, 7, batch);
        for (int i = 0; i < 7; i++)
        {
            var one = single.Predict(input.AsSpan(i * 64, 64));
            EngineReference.AssertClose(batch[(i * 10)..(i * 10 + 10)], one, 1e-5f);
        }
    }

    [Fact]
    public void Concurrent_runs_on_one_instance_give_the_same_answers()
    {
        var g = TestGraphs.TinyConvNet(13, keep: 0.2);
        var model = CompressedModel.Load(EngineReference.Pack(g));
        var inputs = Enumerable.Range(0, 16).Select(i => EngineReference.RandomInput(64, 100 + i)).ToArray();
        var expected = inputs.Select(x => model.Predict(x)).ToArray();
        var results = new float[16][];
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var y = model.Predict(inputs[i % 16]);
            Assert.Equal(expected[i % 16], y);
        });
    }

    [Fact]
    public void Wrong_input_size_is_an_argument_error()
    {
        var model = CompressedModel.Load(EngineReference.Pack(TestGraphs.TinyConvNet(1)));
        Assert.Throws<ArgumentException>(() => model.Predict(new float[63]));
    }

    [Fact]
    public void Embedded_version_1_file_loads_and_matches_a_fresh_pack()
    {
        // Resources/tiny-v1.admmnn was written by the version-1 writer from TinyConvNet(1); it must keep loading unchanged.
        var embedded = CompressedModel.FromResource(typeof(CompressedModelTests).Assembly, "AdmmNn.Runtime.Tests.tiny-v1.admmnn");
        var fresh = CompressedModel.Load(EngineReference.Pack(TestGraphs.TinyConvNet(1)));
        var input = EngineReference.RandomInput(64, 9);
        Assert.Equal(fresh.Predict(input), embedded.Predict(input));
        Assert.Equal(524, embedded.Summary.TotalBytes);
    }

    [Fact]
    public void Missing_resource_lists_what_is_there()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => CompressedModel.FromResource(typeof(CompressedModelTests).Assembly, "nope.admmnn"));
        Assert.Contains("nope.admmnn", ex.Message);
        Assert.Contains("AdmmNn.Runtime.Tests.tiny-v1.admmnn", ex.Message);
    }

    [Fact]
    public void A_small_file_cannot_demand_unbounded_compute()
    {
        // A 2000x2000 pooling window over 1000 pixels of padding on each side: a 7x7 output, but 4 million reads per output.
        var g = TestGraphs.TinyConvNet(1);
        g.Nodes[2].Attributes = [AdmmNn.Abstractions.Models.NodeAttribute.Of("kernel_shape", 2000L, 2000L), AdmmNn.Abstractions.Models.NodeAttribute.Of("pads", 1000L, 1000L, 1000L, 1000L)];
        g.Nodes.RemoveRange(3, 2);
        g.Outputs[0] = new AdmmNn.Abstractions.Models.ValueInfo("p", AdmmNn.Abstractions.Models.ElementType.Float32, [-1, 4, -1, -1]);
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(EngineReference.Pack(g)));
        Assert.Contains("more than a file of", ex.Message);
    }

    [Fact]
    public void A_huge_declared_input_is_rejected_at_load()
    {
        var g = new AdmmNn.Abstractions.Models.ModelGraph();
        g.Inputs.Add(new AdmmNn.Abstractions.Models.ValueInfo("x", AdmmNn.Abstractions.Models.ElementType.Float32, [-1, 100000, 100000]));
        g.Outputs.Add(new AdmmNn.Abstractions.Models.ValueInfo("x", AdmmNn.Abstractions.Models.ElementType.Float32, [-1, 100000, 100000]));
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(EngineReference.Pack(g)));
        Assert.Contains("can justify", ex.Message);
    }

    [Fact]
    public void Unsupported_op_names_the_node_and_offset()
    {
        var g = TestGraphs.TinyConvNet(1);
        g.Nodes[1].OpType = "Elu";
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(EngineReference.Pack(g)));
        Assert.Contains("node 'relu' (Elu)", ex.Message);
        Assert.True(ex.Offset > 24);
    }

    [Fact]
    public void Every_unsupported_op_is_named_in_one_error()
    {
        var g = TestGraphs.TinyConvNet(1);
        g.Nodes[1].OpType = "Elu";
        g.Nodes[2].OpType = "FancyPool";
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(EngineReference.Pack(g)));
        Assert.Contains($"node '{g.Nodes[1].Name}' (Elu)", ex.Message);
        Assert.Contains($"node '{g.Nodes[2].Name}' (FancyPool)", ex.Message);
        Assert.True(ex.Offset > 24);
    }
}
