using AdmmNn.Tensors.Kernels;

namespace AdmmNn.Tensors.Tests.Kernels;

/// <summary>How ADMMNN_GEMM picks the backend at start-up (the choice logic, without touching the process environment).</summary>
public sealed class GemmBackendChoiceTests
{
    [Theory]
    [InlineData(null, true, GemmBackend.OpenBlas)]
    [InlineData("", false, GemmBackend.Managed)]
    [InlineData(" Managed ", true, GemmBackend.Managed)]
    [InlineData("OPENBLAS", true, GemmBackend.OpenBlas)]
    public void Setting_and_availability_decide_the_backend(string? setting, bool available, GemmBackend expected)
    {
        Assert.Equal(expected, Gemm.ChooseBackend(setting, () => available, () => GemmBackend.OpenBlas));
    }

    [Fact]
    public void Forcing_openblas_defers_to_the_loader_which_may_refuse()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Gemm.ChooseBackend("openblas", () => false, () => throw new InvalidOperationException("ADMMNN_GEMM=openblas: OpenBLAS is not available")));
        Assert.Contains("not available", ex.Message);
    }

    [Fact]
    public void Unknown_setting_names_the_variable_and_the_choices()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Gemm.ChooseBackend("mkl", () => true, () => GemmBackend.OpenBlas));
        Assert.Contains("ADMMNN_GEMM='mkl'", ex.Message);
        Assert.Contains("'managed' or 'openblas'", ex.Message);
    }
}
