using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Policy;

/// <summary>The policy fields of PE-wise ternary rules and Weight Penalty Clipping.</summary>
public sealed class PeTernaryPolicyTests
{
    private const string Policy = """
        {
          "layers": [
            { "match": "fc1.weight", "prune": { "keep": 0.1, "structure": "pe-ternary", "alpha": "group" } },
            { "match": "fc2.weight", "prune": { "keep": 0.5 }, "quantize": { "bits": 3 } }
          ],
          "schedule": { "penaltyClipping": 0.5 }
        }
        """;

    [Fact]
    public void Reads_the_structure_and_the_clipping_factor()
    {
        var p = PolicyLoader.Parse(Policy);
        Assert.Equal("pe-ternary", p.Layers[0].Prune!.Structure);
        Assert.Equal(0.1, p.Layers[0].Prune!.Keep);
        Assert.Equal(0.5, p.Schedule.PenaltyClipping);
        Assert.Equal(0, PolicyLoader.Parse(Policy.Replace("\"penaltyClipping\": 0.5", "\"batchSize\": 8")).Schedule.PenaltyClipping);
    }

    [Theory]
    [InlineData("\"penaltyClipping\": 0.5", "\"penaltyClipping\": -1", "policy.json:6: schedule.penaltyClipping must be in [0,100] (0 = off), got -1")]
    [InlineData("\"alpha\": \"group\"", "\"alpha\": \"row\"", "policy.json:3: layers[0].prune.alpha must be one of layer, group, got 'row'")]
    [InlineData("\"prune\": { \"keep\": 0.5 }", "\"prune\": { \"keep\": 0.5, \"alpha\": \"layer\" }", "policy.json:4: layers[1].prune.alpha applies to structure 'pe-ternary' only, not 'unstructured'")]
    [InlineData("\"alpha\": \"group\" }", "\"alpha\": \"group\" }, \"quantize\": { \"levels\": \"ternary\" }", "policy.json:3: layers[0].quantize cannot be combined with prune.structure 'pe-ternary'")]
    public void Errors_name_the_line_and_the_field(string find, string replace, string expected)
    {
        Assert.Contains(find, Policy);
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(Policy.Replace(find, replace), "policy.json"));
        Assert.StartsWith(expected, ex.Message);
    }
}
