namespace AdmmNn.Tensors.Tests.Core;

public sealed class TensorTests
{
    [Fact]
    public void Wrapping_checks_the_element_count_and_shares_storage()
    {
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        var t = new Tensor(data, [2, 3]);
        Assert.Equal(6, t.Size);
        Assert.Equal([2, 3], t.Shape);
        data[0] = 9;
        Assert.Equal(9, t.AsSpan()[0]);
        var copy = t.ToArray();
        copy[1] = 0;
        Assert.Equal(2, t.AsSpan()[1]);
        var ex = Assert.Throws<ArgumentException>(() => new Tensor(data, [4, 2]));
        Assert.Contains("[4,2]", ex.Message);
        Assert.Throws<ArgumentException>(() => new Tensor([2, -1]));
    }

    [Fact]
    public void Reshape_views_the_same_values()
    {
        var t = new Tensor([1, 2, 3, 4], [2, 2]);
        var r = t.Reshape([4]);
        r.AsSpan()[3] = 7;
        Assert.Equal(7, t.AsSpan()[3]);
        Assert.Equal("[4]", r.ShapeText);
    }
}
