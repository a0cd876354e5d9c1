using AdmmNn.Abstractions.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Optimizers.Schedules;

namespace AdmmNn.Tensors.Tests.Optimizers;

public sealed class OptimizerTests
{
    /// <summary>A module with one parameter w = [1, -2] (Identity of an initializer).</summary>
    private static Parameter OneParameter()
    {
        var g = new ModelGraph
        {
            Initializers = [TensorData.FromFloats("w", [2], [1f, -2f])],
            Nodes = [new GraphNode { Name = "id", OpType = "Identity", Inputs = ["w"], Outputs = ["y"] }],
            Outputs = [new ValueInfo("y", ElementType.Float32, [2])],
        };
        return GraphModule.FromGraph(g).Parameters.Single();
    }

    private static void SetGrad(Parameter p, float a, float b)
    {
        p.Grad.AsSpan()[0] = a;
        p.Grad.AsSpan()[1] = b;
    }

    [Fact]
    public void Sgd_momentum_and_weight_decay_follow_the_pytorch_rule()
    {
        var p = OneParameter();
        var sgd = new Sgd([p], 0.1, momentum: 0.9, weightDecay: 0.5);
        SetGrad(p, 1, 1);
        sgd.Step();
        // g = 1 + 0.5·1 = 1.5, v = 1.5, w = 1 − 0.15 = 0.85
        Assert.Equal(0.85f, p.Value.AsSpan()[0], 6);
        sgd.Step();
        // g = 1 + 0.425 = 1.425, v = 0.9·1.5 + 1.425 = 2.775, w = 0.85 − 0.2775
        Assert.Equal(0.5725f, p.Value.AsSpan()[0], 5);
    }

    [Fact]
    public void Sgd_nesterov_looks_ahead()
    {
        var p = OneParameter();
        var sgd = new Sgd([p], 0.1, momentum: 0.5, nesterov: true);
        SetGrad(p, 2, 0);
        sgd.Step();
        // v = 2, step = g + μ·v = 3 → w = 1 − 0.3
        Assert.Equal(0.7f, p.Value.AsSpan()[0], 6);
        Assert.Equal(-2f, p.Value.AsSpan()[1]);
    }

    [Fact]
    public void Adam_first_step_moves_each_weight_by_the_learning_rate()
    {
        var p = OneParameter();
        var adam = new Adam([p], 0.01);
        SetGrad(p, 3, -0.5f);
        adam.Step();
        // Bias-corrected m/√v = sign(g) on the first step.
        Assert.Equal(0.99f, p.Value.AsSpan()[0], 5);
        Assert.Equal(-1.99f, p.Value.AsSpan()[1], 5);
    }

    [Fact]
    public void AdamW_decays_weights_even_without_gradient_while_adam_l2_does_not_when_decay_is_zero()
    {
        var p = OneParameter();
        var adamW = new AdamW([p], 0.1, weightDecay: 0.5);
        SetGrad(p, 0, 0);
        adamW.Step();
        Assert.Equal(0.95f, p.Value.AsSpan()[0], 6);
        var q = OneParameter();
        var adam = new Adam([q], 0.1);
        SetGrad(q, 0, 0);
        adam.Step();
        Assert.Equal(1f, q.Value.AsSpan()[0]);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Saved_state_resumes_bit_identically(string kind)
    {
        Optimizer Make(Parameter p) => kind switch
        {
            "sgd" => new Sgd([p], 0.1, 0.9),
            "adam" => new Adam([p], 0.1),
            _ => new AdamW([p], 0.1),
        };

        var p1 = OneParameter();
        var o1 = Make(p1);
        for (int i = 0; i < 3; i++)
        {
            SetGrad(p1, 1 + i, -i);
            o1.Step();
        }

        using var state = new MemoryStream();
        o1.SaveState(state);
        var p2 = OneParameter();
        p1.Value.AsSpan().CopyTo(p2.Value.AsSpan());
        var o2 = Make(p2);
        state.Position = 0;
        o2.LoadState(state);
        Assert.Equal(3, o2.StepCount);
        SetGrad(p1, 0.5f, 0.25f);
        SetGrad(p2, 0.5f, 0.25f);
        o1.Step();
        o2.Step();
        Assert.Equal(p1.Value.ToArray(), p2.Value.ToArray());
    }

    [Fact]
    public void Loading_state_of_another_optimizer_is_rejected()
    {
        var p = OneParameter();
        using var state = new MemoryStream();
        new Sgd([p], 0.1, 0.9).SaveState(state);
        state.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => new Adam([p]).LoadState(state));
        Assert.Contains("Sgd", ex.Message);
    }

    [Fact]
    public void Schedules()
    {
        var step = new StepSchedule(1.0, 3, 0.1);
        Assert.Equal(1.0, step.RateAt(2));
        Assert.Equal(0.1, step.RateAt(3), 12);
        var cosine = new CosineSchedule(1.0, 10, 0.1);
        Assert.Equal(1.0, cosine.RateAt(0), 12);
        Assert.Equal(0.55, cosine.RateAt(5), 12);
        Assert.Equal(0.1, cosine.RateAt(10), 12);
        var warm = new WarmupSchedule(new ConstantSchedule(0.4), 4);
        Assert.Equal([0.1, 0.2, 0.30000000000000004, 0.4, 0.4], Enumerable.Range(0, 5).Select(warm.RateAt));
        var p = OneParameter();
        var sgd = new Sgd([p], 1);
        cosine.Apply(sgd, 10);
        Assert.Equal(0.1, sgd.LearningRate, 12);
    }
}
