using AdmmNn.Fuzzing.Mutation;
using AdmmNn.TestUtilities;

namespace AdmmNn.Fuzzing.Tests;

/// <summary>What makes a long run reproducible and cheap: stable input derivation, sampling, the protobuf writer.</summary>
public sealed class CampaignMechanicsTests
{
    [Theory]
    // Values computed independently (a Python transcription of SplitMix64's finalizer): the same in every process,
    // which HashCode.Combine (seeded per process) was not.
    [InlineData(16, 0L, 0, 142315529)]
    [InlineData(16, 1L, 0, 315207109)]
    [InlineData(7, 123456789L, 1, -553519698)]
    public void Input_derivation_is_the_same_in_every_process(int seed, long index, int stream, int expected) =>
        Assert.Equal(expected, StableMix.Of(seed, index, stream));

    [Fact]
    public void A_thorough_sample_is_about_one_in_N_and_fixed_by_seed_and_index()
    {
        var campaign = new FuzzCampaign(new Targets.PackedTarget(), [new FuzzSeed("x", [1, 2, 3])], b => new PackedMutator(b), seed: 16) { ThoroughEvery = 16 };
        int thorough = Enumerable.Range(0, 16_000).Count(i => campaign.IsThorough(i));
        Assert.InRange(thorough, 800, 1200);
        var again = new FuzzCampaign(new Targets.PackedTarget(), [new FuzzSeed("x", [1, 2, 3])], b => new PackedMutator(b), seed: 16) { ThoroughEvery = 16 };
        Assert.All(Enumerable.Range(0, 500), i => Assert.Equal(campaign.IsThorough(i), again.IsThorough(i)));
        Assert.True(new FuzzCampaign(new Targets.PackedTarget(), [new FuzzSeed("x", [1])], b => new PackedMutator(b), seed: 16).IsThorough(3));
    }

    [Theory]
    [InlineData("samples/models/lenet5-fashion.onnx")]
    [InlineData("samples/models/lenet5_pytorch.onnx")]
    [InlineData("tests/AdmmNn.Fuzzing.Tests/Corpus/tiny-cnn-pytorch.onnx")]
    public void The_single_buffer_writer_reproduces_a_parsed_model_byte_for_byte(string path)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Combine(path.Split('/')));
        var tree = ProtoTree.TryParse(bytes);
        Assert.NotNull(tree);
        Assert.Equal(bytes, ProtoTree.Write(tree));
    }

    [Fact]
    public void The_writer_recomputes_lengths_after_an_edit_deep_inside()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Combine("tests", "AdmmNn.Fuzzing.Tests", "Corpus", "tiny-cnn-pytorch.onnx"));
        var tree = ProtoTree.TryParse(bytes)!;
        var site = ProtoTree.Sites(tree).First(s => s.Numbers is [7, 1, 3]); // the first node's name
        var longer = new byte[300];
        Array.Fill(longer, (byte)'n');
        var edited = ProtoTree.Write(ProtoTree.EditParent(tree, site.Path, (list, i) => list[i] = list[i] with { Payload = longer }));
        var reparsed = ProtoTree.TryParse(edited)!;
        Assert.Equal(longer, ProtoTree.Sites(reparsed).First(s => s.Numbers is [7, 1, 3]).Field.Payload);
        // Google.Protobuf agrees the nested lengths are right: the model reads, with the new name.
        var graph = new AdmmNn.Plugins.Onnx.OnnxFormat().FromBytes(edited);
        Assert.Equal(new string('n', 300), graph.Nodes[0].Name);
    }
}
