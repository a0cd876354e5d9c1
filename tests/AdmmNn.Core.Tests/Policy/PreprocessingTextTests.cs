using AdmmNn.Core.Policy;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Tests.Policy;

/// <summary>The one-line preprocessing of <c>--preprocessing</c> and the MSBuild metadata: the data section's fields and checks.</summary>
public sealed class PreprocessingTextTests
{
    [Fact]
    public void Parses_every_field_as_the_policy_data_section_does()
    {
        var parsed = PreprocessingText.Parse(" resize=36; centerCrop=32;color=rgb;divideBy=255;mean=0.49,0.48,0.45;std=0.25, 0.24,0.26;randomCropPadding=4;horizontalFlip=true;");
        var fromPolicy = PolicyLoader.Parse("""
            { "layers": [], "data": { "resize": 36, "centerCrop": 32, "color": "rgb", "divideBy": 255, "mean": [0.49, 0.48, 0.45],
              "std": [0.25, 0.24, 0.26], "randomCropPadding": 4, "horizontalFlip": true } }
            """).Data.Preprocessing;

        Assert.Equal(fromPolicy, parsed);
        Assert.Equal(new ImagePreprocessing { Resize = 36, CenterCrop = 32, Color = ColorMode.Rgb, Mean = [0.49f, 0.48f, 0.45f], Std = [0.25f, 0.24f, 0.26f], RandomCropPadding = 4, HorizontalFlip = true }, parsed);
        Assert.Equal(ImagePreprocessing.Default, PreprocessingText.Parse(""));
    }

    [Theory]
    [InlineData("meen=0.5", "meen: not a preprocessing field")]
    [InlineData("mean=0.5;std=0,1", "std: ")]
    [InlineData("resize=3.5", "resize: expected an integer")]
    [InlineData("resize=big", "resize: 'big' is not a number")]
    [InlineData("color=sepia", "color: 'sepia' is not keep, grayscale or rgb")]
    [InlineData("horizontalFlip=yes", "horizontalFlip: 'yes' is not true or false")]
    [InlineData("mean=0.1;mean=0.2", "mean: given twice")]
    [InlineData("centerCrop", "centerCrop: expected centerCrop=value")]
    public void A_bad_field_is_one_line_naming_it(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => PreprocessingText.Parse(text));

        Assert.StartsWith(message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
