using System.Text.Json;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Hardware;

public sealed class PeGeometryTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Reads_block_size_and_merges_the_policy_profile_over_the_defaults()
    {
        Assert.Equal(new PeGeometry(1, 16), PeGeometry.FromProfile(Json("""{"peCount":256,"blockSize":16}""")));
        Assert.Equal(new PeGeometry(2, 8), PeGeometry.FromProfile(Json("""{"blockSize":8,"blockRows":2}""")));
        Assert.Null(PeGeometry.FromProfile(Json("""{"peCount":256}""")));
        var merged = PeGeometry.EffectiveProfile("""{"blockSize":16,"clockMHz":200}""", Json("""{"clockMHz":300}"""));
        Assert.Equal(new PeGeometry(1, 16), PeGeometry.FromProfile(merged));
        Assert.Equal(300, merged.GetProperty("clockMHz").GetInt32());
        Assert.Equal(new PeGeometry(1, 4), PeGeometry.FromProfile(PeGeometry.EffectiveProfile("""{"blockSize":16}""", Json("""{"blockSize":4}"""))));
    }

    [Fact]
    public void Fills_only_pe_ternary_rules_that_leave_the_shape_out()
    {
        var policy = PolicyLoader.Parse("""
            { "layers": [
                { "match": "a", "prune": { "keep": 0.1, "structure": "pe-ternary" } },
                { "match": "b", "prune": { "keep": 0.1, "structure": "pe-ternary", "rows": 2, "cols": 4 } },
                { "match": "c", "prune": { "keep": 0.1, "structure": "block", "rows": 1, "cols": 4 } } ] }
            """);
        var applied = new PeGeometry(1, 32).ApplyTo(policy);
        var a = applied.Layers[0].Prune!.Settings!.Value;
        Assert.Equal((1, 32, 0.1), (a.GetProperty("rows").GetInt32(), a.GetProperty("cols").GetInt32(), a.GetProperty("keep").GetDouble()));
        Assert.Equal(4, applied.Layers[1].Prune!.Settings!.Value.GetProperty("cols").GetInt32());
        Assert.Equal(4, applied.Layers[2].Prune!.Settings!.Value.GetProperty("cols").GetInt32());
        Assert.Equal(applied.Layers[0].JsonPath, policy.Layers[0].JsonPath);
    }
}
