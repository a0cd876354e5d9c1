using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests.Commands;

public sealed class InspectCommandTests
{
    private static string LeNet => RepoPaths.Combine("samples", "models", "lenet5_pytorch.onnx");

    [Fact]
    public void Lenet_layer_table_matches_snapshot()
    {
        var run = CliRun.Of("inspect", LeNet);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        Approvals.Verify(run.Out);
    }

    [Fact]
    public void Shares_of_weights_and_macs_are_computed_from_the_shapes()
    {
        var out_ = CliRun.Of("inspect", LeNet).Out;
        // fc1 holds 400,000 of 430,500 weights (92.9 %); conv2 does 1,600,000 of 2,293,000 MACs (69.8 %).
        Assert.Matches(@"\n/fc1/Gemm\s+Gemm\s+\[500x800\]\s+400,500\s+400,000\s+92\.9\s+400,000\s+17\.4\n", out_);
        Assert.Matches(@"\n/conv2/Conv\s+Conv\s+\[50x20x5x5\]\s+25,050\s+25,000\s+5\.8\s+1,600,000\s+69\.8\n", out_);
    }
}
