using AdmmNn.Data.Datasets;

namespace AdmmNn.Data.Tests.Datasets;

public sealed class LabeledImageSetTests
{
    private static LabeledImageSet Small() =>
        new("tiny", 1, 2, 2, 3, [0, 51, 255, 1, 2, 3, 4, 5], [2, 0]);

    [Fact]
    public void Float_images_are_pixels_divided_by_255()
    {
        var floats = Small().ToFloatImages();
        Assert.Equal(8, floats.Length);
        Assert.Equal(0f, floats[0]);
        Assert.Equal(51f / 255f, floats[1]);
        Assert.Equal(1f, floats[2]);
    }

    [Fact]
    public void Labels_histogram_and_take_agree()
    {
        var set = Small();
        Assert.Equal([2, 0], set.LabelsAsInt());
        Assert.Equal([1, 0, 1], set.ClassHistogram());
        var first = set.Take(1);
        Assert.Equal(1, first.Count);
        Assert.Equal([0, 51, 255, 1], first.Pixels);
    }

    [Fact]
    public void Label_not_below_class_count_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LabeledImageSet("x", 1, 1, 1, 2, [0, 0], [0, 2]));
        Assert.Equal("label 2 of image 1 is not below the class count 2", ex.Message);
    }

    [Fact]
    public void Pixel_count_must_match_labels()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LabeledImageSet("x", 1, 2, 2, 2, [0, 0, 0], [0]));
        Assert.Equal("3 pixels do not make 1 images of 1x2x2", ex.Message);
    }
}
