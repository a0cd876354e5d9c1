namespace AdmmNn.Tensors.Tests;

/// <summary>Seeds 1..count for the random-shape theories, so a theory says how many cases it runs in one place.</summary>
public static class RandomSeeds
{
    /// <summary>The seeds 1, 2, …, <paramref name="count"/>.</summary>
    public static TheoryData<int> First(int count)
    {
        var seeds = new TheoryData<int>();
        foreach (int seed in Enumerable.Range(1, count))
        {
            seeds.Add(seed);
        }

        return seeds;
    }
}
