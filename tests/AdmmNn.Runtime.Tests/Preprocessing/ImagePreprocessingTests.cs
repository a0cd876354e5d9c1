using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.TestUtilities;

namespace AdmmNn.Runtime.Tests.Preprocessing;

public sealed class ImagePreprocessingTests
{
    [Fact]
    public void Json_round_trips_every_field_and_defaults_write_nothing()
    {
        var p = new ImagePreprocessing
        {
            Color = ColorMode.Rgb, Resize = 36, CenterCrop = 32, DivideBy = 1f, Mean = [0.4914f, 0.4822f, 0.4465f],
            Std = [0.247f, 0.2435f, 0.2616f], RandomCropPadding = 4, HorizontalFlip = true,
        };

        var back = ImagePreprocessing.FromJson(p.ToJson());

        Assert.Equal(p, back);
        Assert.Equal(p.Mean, back.Mean);
        Assert.Equal("{}", ImagePreprocessing.Default.ToJson());
        Assert.Equal(ImagePreprocessing.Default, ImagePreprocessing.FromJson("{}"));
    }

    [Theory]
    [InlineData("""{"resize": 0}""", "resize")]
    [InlineData("""{"color": "cmyk"}""", "color")]
    [InlineData("""{"std": [0.5, 0]}""", "std")]
    [InlineData("""{"mean": "x"}""", "mean")]
    [InlineData("""{"divideBy": -1}""", "divideBy")]
    [InlineData("""{"horizontalFlip": 1}""", "horizontalFlip")]
    public void Bad_fields_fail_naming_the_field(string json, string field)
    {
        var ex = Assert.Throws<FormatException>(() => ImagePreprocessing.FromJson(json));
        Assert.StartsWith(field + ":", ex.Message);
    }

    [Fact]
    public void Prepare_applies_color_resize_crop_then_normalizes_to_chw()
    {
        var p = new ImagePreprocessing { Color = ColorMode.Rgb, Resize = 4, CenterCrop = 2, Mean = [0.5f], Std = [0.5f] };
        var grey = Enumerable.Range(0, 16).Select(i => (byte)(i * 10)).ToArray();

        var (input, shape) = p.Prepare(new DatasetSample(new SampleShape(4, 4, 1), grey, 0, "x"));

        Assert.Equal(new SampleShape(2, 2, 3), shape);
        // Centre 2x2 of the 4x4 image: pixels 5, 6, 9, 10 → values 50, 60, 90, 100; same in each channel.
        float[] centre = [50, 60, 90, 100];
        var expected = Enumerable.Repeat(centre.Select(v => (v / 255f - 0.5f) / 0.5f), 3).SelectMany(x => x);
        Assert.Equal(expected, input);
        Assert.Equal(new SampleShape(2, 2, 3), p.OutputShape(null));
    }

    [Fact]
    public void Mean_of_the_wrong_length_is_refused()
    {
        var p = new ImagePreprocessing { Mean = [0.1f, 0.2f] };
        Assert.Throws<ArgumentException>(() => p.Prepare(new DatasetSample(new SampleShape(1, 1, 3), new byte[3], 0, "x")));
    }

    [Fact]
    public void Padding_fill_is_the_normalized_zero_pixel()
    {
        var p = new ImagePreprocessing { Mean = [0.5f, 0.25f], Std = [0.5f, 0.25f] };
        Assert.Equal([-1f, -1f], p.NormalizedZero(2));
    }

    [Fact]
    public void Decoder_reads_grey_and_rgb_pngs_and_refuses_garbage()
    {
        var rgb = new byte[] { 1, 2, 3, 4, 5, 6 };
        var (pixels, shape) = ImageDecoder.Decode(TestPng.Encode(1, 2, 3, rgb));
        Assert.Equal(new SampleShape(1, 2, 3), shape);
        Assert.Equal(rgb, pixels);

        var (grey, greyShape) = ImageDecoder.Decode(TestPng.Encode(2, 1, 1, [9, 200]));
        Assert.Equal(new SampleShape(2, 1, 1), greyShape);
        Assert.Equal([9, 200], grey);

        Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode("not an image at all"u8));
        var good = TestPng.Encode(8, 8, 3, new byte[192]);
        Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(good.AsSpan(0, good.Length - 30)));
    }
}
