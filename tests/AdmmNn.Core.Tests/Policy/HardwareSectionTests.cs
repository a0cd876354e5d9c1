using System.Text.Json;
using AdmmNn.Core.Compression;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Policy;

/// <summary>The policy's <c>hardware</c> section: target, profile and the hardware-aware options, with errors at file, line and field.</summary>
public sealed class HardwareSectionTests
{
    private static string Policy(string hardware) => $$"""
        {
          "layers": [ { "match": "*.weight", "prune": { "keep": 0.5 } } ],
          "hardware": {
            "target": "fpga",
            {{hardware}}
          }
        }
        """;

    [Fact]
    public void Defaults_keep_layers_dense_for_computation_and_prefer_the_targets_shapes()
    {
        var spec = PolicyLoader.Parse("""{ "layers": [ { "match": "*", "prune": { "keep": 0.5 } } ], "hardware": { "target": "fpga" } }""").Hardware!;
        Assert.Equal("fpga", spec.Target);
        Assert.Equal(BelowBreakEvenAction.KeepDense, spec.BelowBreakEven);
        Assert.Equal(CompressionGoal.Computation, spec.Goal);
        Assert.True(spec.PreferTargetConstraints);
        Assert.Equal(1.1, spec.Margin);
        Assert.Equal(4, spec.MaxCoarseRatio);
        Assert.True(spec.PreserveOverallRatio);
        var options = spec.ToOptions();
        Assert.Equal(BelowBreakEvenAction.KeepDense, options.BelowBreakEven);
        // HardwareAwareOptions on its own defaults to storage: the policy's default must override it.
        Assert.Equal(CompressionGoal.Computation, options.Goal);
    }

    [Fact]
    public void Every_field_is_read_and_reaches_the_options()
    {
        var spec = PolicyLoader.Parse(Policy("""
            "profile": { "peCount": 64 },
            "belowBreakEven": "raise",
            "goal": "storage",
            "preferTargetConstraints": false,
            "margin": 1.5,
            "maxCoarseRatio": 8,
            "preserveOverallRatio": false
            """)).Hardware!;
        Assert.Equal(64, spec.Profile!.Value.GetProperty("peCount").GetInt32());
        var options = spec.ToOptions();
        Assert.Equal(BelowBreakEvenAction.RaiseAboveBreakEven, options.BelowBreakEven);
        Assert.Equal(CompressionGoal.Storage, options.Goal);
        Assert.False(options.PreferTargetConstraints);
        Assert.Equal(1.5, options.Margin);
        Assert.Equal(8, options.MaxCoarseRatio);
        Assert.False(options.PreserveOverallRatio);
    }

    [Theory]
    [InlineData("\"belowBreakEven\": \"drop\"", "policy.json:5: hardware.belowBreakEven must be one of dense, raise, got 'drop'")]
    [InlineData("\"belowBreakEven\": 1", "policy.json:5: hardware.belowBreakEven must be a string, got number")]
    [InlineData("\"goal\": \"speed\"", "policy.json:5: hardware.goal must be one of computation, storage, got 'speed'")]
    [InlineData("\"preferTargetConstraints\": \"yes\"", "policy.json:5: hardware.preferTargetConstraints must be true or false, got string")]
    [InlineData("\"margin\": 1", "policy.json:5: hardware.margin must be in (1,100], got 1")]
    [InlineData("\"margin\": 0.9", "policy.json:5: hardware.margin must be in (1,100], got 0.9")]
    [InlineData("\"margin\": \"1.2\"", "policy.json:5: hardware.margin must be a number, got string")]
    [InlineData("\"maxCoarseRatio\": 0.5", "policy.json:5: hardware.maxCoarseRatio must be >= 1, got 0.5")]
    [InlineData("\"preserveOverallRatio\": 0", "policy.json:5: hardware.preserveOverallRatio must be true or false, got number")]
    [InlineData("\"belowBreakeven\": \"raise\"", "policy.json:5: hardware.belowBreakeven is not a known field")]
    public void Bad_values_name_the_file_line_and_field(string field, string expected)
    {
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(Policy(field)));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void A_command_line_target_keeps_the_options_and_drops_another_targets_profile()
    {
        var spec = PolicyLoader.Parse(Policy("""
            "profile": { "peCount": 64 },
            "belowBreakEven": "raise",
            "goal": "storage"
            """)).Hardware!;

        var same = spec.WithTarget("fpga");
        Assert.NotNull(same.Profile);
        var other = spec.WithTarget("asic");
        Assert.Equal("asic", other.Target);
        Assert.Null(other.Profile);
        Assert.Equal(BelowBreakEvenAction.RaiseAboveBreakEven, other.BelowBreakEven);
        Assert.Equal(CompressionGoal.Storage, other.Goal);
    }

    [Fact]
    public void The_result_echo_writes_the_options_as_the_policy_file_names_them()
    {
        var policy = PolicyLoader.Parse(Policy("\"belowBreakEven\": \"raise\", \"goal\": \"storage\""));
        using var echo = JsonDocument.Parse(JsonSerializer.Serialize(policy, ResultJson.Options));
        var hardware = echo.RootElement.GetProperty("hardware");
        Assert.Equal("raise", hardware.GetProperty("belowBreakEven").GetString());
        Assert.Equal("storage", hardware.GetProperty("goal").GetString());
        Assert.Equal(1.1, hardware.GetProperty("margin").GetDouble());
    }
}
