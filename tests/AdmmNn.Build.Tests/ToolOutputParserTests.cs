using AdmmNn.Build.Tasks;

namespace AdmmNn.Build.Tests;

public sealed class ToolOutputParserTests
{
    private readonly ToolOutputParser _parser = new("/p/admmnn.json", "/p/models/lenet5.onnx");

    [Fact]
    public void Canonical_error_keeps_file_line_column_and_code()
    {
        var d = _parser.Parse("/p/admmnn.json(3,17): error ADMMNN011: layers[0].sparsity: must be in [0,1)");
        Assert.Equal(ToolLineKind.Error, d.Kind);
        Assert.Equal("ADMMNN011", d.Code);
        Assert.Equal("/p/admmnn.json", d.File);
        Assert.Equal((3, 17), (d.Line, d.Column));
        Assert.Equal("layers[0].sparsity: must be in [0,1)", d.Text);
    }

    [Fact]
    public void Canonical_warning_without_origin()
    {
        var d = _parser.Parse("warning ADMMNN030: layer fc2 kept dense");
        Assert.Equal(ToolLineKind.Warning, d.Kind);
        Assert.Equal("ADMMNN030", d.Code);
        Assert.Equal((0, 0), (d.Line, d.Column));
    }

    [Fact]
    public void Plain_policy_error_with_parenthesized_position_points_there()
    {
        var d = _parser.Parse("error: policy admmnn.json(4,9): field 'rho' must be positive");
        Assert.Equal(ToolLineKind.Error, d.Kind);
        Assert.Equal(DiagnosticCodes.Policy, d.Code);
        Assert.Equal("admmnn.json", d.File);
        Assert.Equal((4, 9), (d.Line, d.Column));
    }

    [Fact]
    public void Policy_exception_format_of_the_cli_points_at_file_and_line()
    {
        var d = _parser.Parse("error: /p/admmnn.json:12: layers[1].prune.keep must be in (0,1], got 1.5");
        Assert.Equal(ToolLineKind.Error, d.Kind);
        Assert.Equal(DiagnosticCodes.Policy, d.Code);
        Assert.Equal("/p/admmnn.json", d.File);
        Assert.Equal((12, 0), (d.Line, d.Column));
    }

    [Fact]
    public void Plain_error_with_json_exception_position_is_made_one_based()
    {
        var d = _parser.Parse("error: invalid policy: 'b' is an invalid start of a value. Path: $.layers[0].sparsity | LineNumber: 2 | BytePositionInLine: 16.");
        Assert.Equal(DiagnosticCodes.Policy, d.Code);
        Assert.Equal("/p/admmnn.json", d.File);
        Assert.Equal((3, 17), (d.Line, d.Column));
    }

    [Fact]
    public void Plain_error_with_line_words_points_at_policy()
    {
        var d = _parser.Parse("error: policy field 'layers[1].bits' at line 7 must be between 1 and 8");
        Assert.Equal("/p/admmnn.json", d.File);
        Assert.Equal(7, d.Line);
    }

    [Theory]
    [InlineData("error: model lenet5.onnx: node conv1 uses unsupported op LSTM", DiagnosticCodes.Model)]
    [InlineData("error: data set 'cifar' not found (searched --data, ADMMNN_DATA)", DiagnosticCodes.Data)]
    [InlineData("error: something else", DiagnosticCodes.BadInput)]
    [InlineData("error: gate maxAccuracyDrop failed: limit 0.01, measured 0.034", DiagnosticCodes.AccuracyGate)]
    public void Plain_errors_get_a_code_by_subject(string line, string code) => Assert.Equal(code, _parser.Parse(line).Code);

    [Fact]
    public void Internal_error_is_a_tool_failure()
    {
        var d = _parser.Parse("internal error: Object reference not set");
        Assert.Equal(ToolLineKind.Error, d.Kind);
        Assert.Equal(DiagnosticCodes.ToolFailed, d.Code);
    }

    [Theory]
    [InlineData("epoch 3/10 loss 0.41 accuracy 0.87")]
    [InlineData("admm iteration 2: primal residual 0.013")]
    [InlineData("no errors: all layers projected")]
    public void Progress_lines_are_messages(string line)
    {
        var d = _parser.Parse(line);
        Assert.Equal(ToolLineKind.Message, d.Kind);
        Assert.Equal(line, d.Text);
    }
}
