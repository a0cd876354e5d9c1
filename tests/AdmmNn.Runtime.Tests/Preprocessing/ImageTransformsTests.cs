using AdmmNn.Abstractions.Datasets;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Runtime.Tests.Preprocessing;

public sealed class ImageTransformsTests
{
    [Fact]
    public void Bilinear_upsampling_matches_torch_interpolate_align_corners_false()
    {
        // torch.nn.functional.interpolate([[0,10],[20,30]], size=(4,4), mode="bilinear", align_corners=False), printed by torch 1.13.
        float[] expected = [0, 2.5f, 7.5f, 10, 5, 7.5f, 12.5f, 15, 15, 17.5f, 22.5f, 25, 20, 22.5f, 27.5f, 30];

        var (result, shape) = ImageTransforms.ResizeBilinear([0, 10, 20, 30], new SampleShape(2, 2, 1), 4, 4, bytePixels: false);

        Assert.Equal(new SampleShape(4, 4, 1), shape);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Bilinear_downsampling_matches_torch_and_byte_sources_round()
    {
        // interpolate(arange(36).reshape(6,6), size=(3,3), bilinear, align_corners=False, antialias=False).
        float[] expected = [3.5f, 5.5f, 7.5f, 15.5f, 17.5f, 19.5f, 27.5f, 29.5f, 31.5f];
        var source = Enumerable.Range(0, 36).Select(i => (float)i).ToArray();

        Assert.Equal(expected, ImageTransforms.ResizeBilinear(source, new SampleShape(6, 6, 1), 3, 3, false).Pixels);
        Assert.Equal(expected.Select(v => MathF.Floor(v + 0.5f)), ImageTransforms.ResizeBilinear(source, new SampleShape(6, 6, 1), 3, 3, true).Pixels);
    }

    [Fact]
    public void Bilinear_resize_of_a_constant_image_is_constant_per_channel()
    {
        var hwc = Enumerable.Range(0, 5 * 7).SelectMany(_ => new float[] { 10, 200, 33 }).ToArray();

        var (result, shape) = ImageTransforms.ResizeBilinear(hwc, new SampleShape(5, 7, 3), 11, 3, true);

        Assert.Equal(new SampleShape(11, 3, 3), shape);
        for (var i = 0; i < 33; i++) Assert.Equal([10f, 200f, 33f], result.AsSpan(3 * i, 3).ToArray());
    }

    [Theory]
    [InlineData(28, 28, 32, 32, 32)]
    [InlineData(100, 50, 25, 50, 25)]
    [InlineData(375, 500, 256, 256, 341)]
    public void Shorter_side_keeps_aspect_rounding_down_as_torchvision(int h, int w, int target, int eh, int ew) =>
        Assert.Equal((eh, ew), ImageTransforms.ShorterSideSize(h, w, target));

    [Fact]
    public void Center_crop_takes_the_middle_window_brute_force()
    {
        var shape = new SampleShape(7, 6, 2);
        var hwc = Enumerable.Range(0, shape.Size).Select(i => (float)i).ToArray();

        var (crop, cropShape) = ImageTransforms.CenterCrop(hwc, shape, 3, 4);

        // torchvision: top = round((7-3)/2) = 2, left = round((6-4)/2) = 1.
        var expected = new List<float>();
        for (var y = 2; y < 5; y++)
            for (var x = 1; x < 5; x++)
                for (var c = 0; c < 2; c++) expected.Add(hwc[(y * 6 + x) * 2 + c]);
        Assert.Equal(new SampleShape(3, 4, 2), cropShape);
        Assert.Equal(expected, crop);
        Assert.Throws<ArgumentException>(() => ImageTransforms.CenterCrop(hwc, shape, 8, 4));
    }

    [Fact]
    public void Grayscale_uses_pil_luma_and_rgb_replicates()
    {
        var (grey, g) = ImageTransforms.ConvertColor([255, 0, 0, 10, 20, 30], new SampleShape(1, 2, 3), ColorMode.Grayscale, bytePixels: true);
        // PIL: L = R*299/1000 + G*587/1000 + B*114/1000 → 76 for pure red, 18 for (10,20,30) (18.15).
        Assert.Equal([76f, 18f], grey);
        Assert.Equal(1, g.Channels);

        var (rgb, r) = ImageTransforms.ConvertColor([7, 9], new SampleShape(1, 2, 1), ColorMode.Rgb, bytePixels: true);
        Assert.Equal([7f, 7, 7, 9, 9, 9], rgb);
        Assert.Equal(3, r.Channels);
    }

    [Fact]
    public void Default_normalization_is_bit_identical_to_pixel_over_255()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var chw = new float[256];

        ImageTransforms.ToChwNormalized(ImageTransforms.ToFloats(bytes), new SampleShape(16, 16, 1), 255f, [], [], chw);

        for (var i = 0; i < 256; i++) Assert.Equal(BitConverter.SingleToInt32Bits(bytes[i] / 255f), BitConverter.SingleToInt32Bits(chw[i]));
    }

    [Fact]
    public void Mean_std_normalization_is_per_channel_and_planar()
    {
        var chw = new float[4];
        ImageTransforms.ToChwNormalized([255, 0, 51, 102], new SampleShape(1, 2, 2), 255f, [0.5f, 0.25f], [0.5f, 0.25f], chw);

        // Channel 0 holds pixels 255 and 51, channel 1 holds 0 and 102.
        Assert.Equal([(1f - 0.5f) / 0.5f, (51 / 255f - 0.5f) / 0.5f, (0f - 0.25f) / 0.25f, (102 / 255f - 0.25f) / 0.25f], chw);
    }

    [Fact]
    public void Augment_with_centred_offsets_and_no_flip_is_identity_and_flip_twice_is_identity()
    {
        var original = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)i).ToArray();
        var image = (float[])original.Clone();

        ImageTransforms.Augment(image, 2, 3, 4, 2, [0f], new AugmentationDraw(2, 2, false));
        Assert.Equal(original, image);

        ImageTransforms.Augment(image, 2, 3, 4, 0, [], new AugmentationDraw(0, 0, true));
        Assert.Equal([3f, 2, 1, 0], image[..4]);
        ImageTransforms.Augment(image, 2, 3, 4, 0, [], new AugmentationDraw(0, 0, true));
        Assert.Equal(original, image);
    }

    [Fact]
    public void Random_crop_shifts_the_image_and_fills_with_the_channel_value_brute_force()
    {
        var image = Enumerable.Range(0, 2 * 3 * 4).Select(i => (float)i).ToArray();
        var draw = new AugmentationDraw(0, 3, false); // padding 2: shift down 2 rows, left 1 column
        float[] fill = [-1f, -2f];
        var result = (float[])image.Clone();

        ImageTransforms.Augment(result, 2, 3, 4, 2, fill, draw);

        for (var c = 0; c < 2; c++)
            for (var y = 0; y < 3; y++)
                for (var x = 0; x < 4; x++)
                {
                    int sy = y - 2, sx = x + 1;
                    var expected = sy is >= 0 and < 3 && sx is >= 0 and < 4 ? image[c * 12 + sy * 4 + sx] : fill[c];
                    Assert.Equal(expected, result[c * 12 + y * 4 + x]);
                }
    }

    [Fact]
    public void Augmentation_draws_are_seeded_cover_the_range_and_flip_about_half()
    {
        var draws = Enumerable.Range(0, 2000).Select(i => AugmentationDraw.For(7, 3, i, 4, flip: true)).ToList();

        Assert.Equal(draws, Enumerable.Range(0, 2000).Select(i => AugmentationDraw.For(7, 3, i, 4, flip: true)));
        Assert.NotEqual(draws, Enumerable.Range(0, 2000).Select(i => AugmentationDraw.For(7, 4, i, 4, flip: true)));
        Assert.Equal(Enumerable.Range(0, 9), draws.Select(d => d.OffsetY).Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 9), draws.Select(d => d.OffsetX).Distinct().Order());
        Assert.InRange(draws.Count(d => d.Flip), 900, 1100);
        Assert.DoesNotContain(Enumerable.Range(0, 100).Select(i => AugmentationDraw.For(7, 3, i, 4, flip: false)), d => d.Flip);
    }
}
