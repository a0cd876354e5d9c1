using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Tests.Policy;

public sealed class PurifyPolicyTests
{
    [Theory]
    [InlineData("""{ "layers": [ { "match": "a", "prune": { "keep": 0.5 } } ] }""", false)]
    [InlineData("""{ "layers": [ { "match": "a", "prune": { "keep": 0.5, "structure": "filter" } } ] }""", true)]
    [InlineData("""{ "layers": [ { "match": "a", "prune": { "keep": 0.5, "structure": "channel" } } ] }""", true)]
    [InlineData("""{ "purify": false, "layers": [ { "match": "a", "prune": { "keep": 0.5, "structure": "filter" } } ] }""", false)]
    [InlineData("""{ "purify": true, "layers": [ { "match": "a", "prune": { "keep": 0.5 } } ] }""", true)]
    public void Purification_is_on_for_filter_and_channel_structure_unless_the_policy_says(string json, bool expected) =>
        Assert.Equal(expected, PolicyLoader.Parse(json).PurifiesAfterCompression);

    [Fact]
    public void A_purify_that_is_not_a_boolean_names_the_field()
    {
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse("""{ "purify": "yes", "layers": [ { "match": "a", "prune": { "keep": 0.5 } } ] }"""));
        Assert.Contains("purify", ex.Message);
    }

    [Fact]
    public void The_resnet_small_sample_policy_loads_and_purifies()
    {
        var p = PolicyLoader.Load(Path.Combine(AdmmNn.TestUtilities.RepoPaths.Root, "samples", "policies", "resnet-small-filters.json"));
        Assert.True(p.PurifiesAfterCompression);
        Assert.Equal("filter", p.Layers[0].Prune!.Structure);
    }
}
