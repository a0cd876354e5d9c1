using AdmmNn.Tensors.Losses;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Tensors.Tests.Training;

public sealed class DataLoaderTests
{
    private static (float[] Images, int[] Labels) Data(int n) =>
        (Enumerable.Range(0, n * 2).Select(i => (float)(i / 2)).ToArray(), Enumerable.Range(0, n).ToArray());

    [Fact]
    public void Batches_cover_every_sample_once_with_a_smaller_last_batch()
    {
        var (x, y) = Data(10);
        var loader = new DataLoader(x, y, [2], 4, shuffle: true, seed: 3);
        var seen = new List<int>();
        var sizes = new List<int>();
        foreach (var b in loader)
        {
            sizes.Add(b.Count);
            for (int i = 0; i < b.Count; i++)
            {
                Assert.Equal(b.Labels[i], b.Images.AsSpan()[i * 2]);
                seen.Add(b.Labels[i]);
            }
        }

        Assert.Equal([4, 4, 2], sizes);
        Assert.Equal(Enumerable.Range(0, 10), seen.Order());
        Assert.NotEqual(Enumerable.Range(0, 10), seen);
        Assert.Equal(3, loader.BatchCount);
    }

    [Fact]
    public void Shuffling_is_reproducible_from_the_seed_and_changes_per_epoch()
    {
        var (x, y) = Data(50);
        List<int> Epoch(DataLoader l) => l.SelectMany(b => b.Labels.ToArray()).ToList();
        var a = new DataLoader(x, y, [2], 8, true, 5);
        var b = new DataLoader(x, y, [2], 8, true, 5);
        var a1 = Epoch(a);
        Assert.Equal(a1, Epoch(b));
        var a2 = Epoch(a);
        Assert.Equal(a2, Epoch(b));
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(a1, Epoch(new DataLoader(x, y, [2], 8, true, 6)));
    }

    [Fact]
    public void Without_shuffling_order_is_kept_and_drop_last_skips_the_tail()
    {
        var (x, y) = Data(10);
        var loader = new DataLoader(x, y, [2], 4, shuffle: false, seed: 0) { DropLast = true };
        Assert.Equal(Enumerable.Range(0, 8), loader.SelectMany(b => b.Labels.ToArray()));
    }

    [Fact]
    public void Horizontal_flip_mirrors_rows_of_about_half_the_samples()
    {
        // 200 samples of 2×3: row values 0,1,2 (label = index); a flipped sample reads 2,1,0.
        var images = Enumerable.Range(0, 200).SelectMany(_ => new float[] { 0, 1, 2, 0, 1, 2 }).ToArray();
        var loader = new DataLoader(images, Enumerable.Range(0, 200).ToArray(), [1, 2, 3], 50, shuffle: true, seed: 1) { RandomHorizontalFlip = true };
        int flipped = 0;
        foreach (var b in loader)
        {
            for (int i = 0; i < b.Count; i++)
            {
                var s = b.Images.AsSpan().Slice(i * 6, 6).ToArray();
                Assert.True(s.SequenceEqual([0f, 1, 2, 0, 1, 2]) || s.SequenceEqual([2f, 1, 0, 2, 1, 0]));
                flipped += s[0] == 2f ? 1 : 0;
            }
        }

        Assert.InRange(flipped, 70, 130);
    }

    [Fact]
    public void Mismatched_sizes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DataLoader(new float[7], new int[3], [2], 2, false, 0));
    }

    [Fact]
    public void Cross_entropy_loss_accuracy_and_gradient()
    {
        // Row 0: logits [0, ln 3] label 1 → p = [0.25, 0.75], loss −ln 0.75, correct.
        // Row 1: logits [0, 0] label 0 → p = [0.5, 0.5], loss ln 2; argmax picks class 0, correct.
        float ln3 = MathF.Log(3);
        var grad = new float[4];
        var (loss, correct) = CrossEntropyLoss.Compute([0, ln3, 0, 0], 2, [1, 0], grad);
        Assert.Equal((-Math.Log(0.75) + Math.Log(2)) / 2, loss, 5);
        Assert.Equal(2, correct);
        Assert.Equal([0.125f, -0.125f, -0.25f, 0.25f], grad.Select(g => MathF.Round(g, 5)));
        Assert.Throws<ArgumentException>(() => CrossEntropyLoss.Compute([0, 0], 2, [2], []));
    }
}
