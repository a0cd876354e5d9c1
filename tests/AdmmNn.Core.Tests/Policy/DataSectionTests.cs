using AdmmNn.Core.Policy;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Tests.Policy;

public sealed class DataSectionTests
{
    private static string Policy(string data) => $$"""{ "layers": [ { "match": "*", "prune": { "keep": 0.5 } } ], "data": {{data}} }""";

    [Fact]
    public void Data_section_reads_preprocessing_and_validation_fraction()
    {
        var data = PolicyLoader.Parse(Policy("""
            { "trainSamples": 100, "color": "rgb", "resize": 36, "centerCrop": 32, "mean": [0.5, 0.4, 0.3], "std": [0.2, 0.2, 0.2],
              "randomCropPadding": 4, "horizontalFlip": true, "validationFraction": 0.2 }
            """)).Data;

        Assert.Equal(100, data.TrainSamples);
        Assert.Equal(0.2, data.ValidationFraction);
        Assert.Equal(new ImagePreprocessing
        {
            Color = ColorMode.Rgb, Resize = 36, CenterCrop = 32, Mean = [0.5f, 0.4f, 0.3f], Std = [0.2f, 0.2f, 0.2f], RandomCropPadding = 4, HorizontalFlip = true,
        }, data.Preprocessing);
    }

    [Fact]
    public void Without_a_data_section_preprocessing_is_the_default_and_no_fraction_is_set()
    {
        var data = PolicyLoader.Parse("""{ "layers": [ { "match": "*", "prune": { "keep": 0.5 } } ] }""").Data;

        Assert.Equal(ImagePreprocessing.Default, data.Preprocessing);
        Assert.Null(data.ValidationFraction);
    }

    [Theory]
    [InlineData("""{ "resize": -3 }""", "data.resize")]
    [InlineData("""{ "std": [1, 0] }""", "data.std")]
    [InlineData("""{ "validationFraction": 1.5 }""", "data.validationFraction")]
    [InlineData("""{ "sharpen": true }""", "data")]
    public void Bad_fields_name_the_field(string data, string field)
    {
        var ex = Assert.Throws<PolicyException>(() => PolicyLoader.Parse(Policy(data)));

        Assert.Contains(field, ex.Message);
    }
}
