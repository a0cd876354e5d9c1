namespace AdmmNn.Core.Constraints;

/// <summary>A group's weights by magnitude, largest first (lower index first on ties), with prefix sums.</summary>
internal sealed class SortedGroup
{
    public SortedGroup(List<int> members, ReadOnlySpan<float> input)
    {
        var mags = new double[members.Count];
        for (var j = 0; j < mags.Length; j++) mags[j] = Math.Abs((double)input[members[j]]);
        var order = Enumerable.Range(0, mags.Length).ToArray();
        Array.Sort(order, (x, y) =>
        {
            var c = mags[y].CompareTo(mags[x]);
            return c != 0 ? c : members[x].CompareTo(members[y]);
        });
        Indices = [.. order.Select(j => members[j])];
        Magnitudes = [.. order.Select(j => mags[j])];
        Prefix = new double[Magnitudes.Length + 1];
        for (var j = 0; j < Magnitudes.Length; j++) Prefix[j + 1] = Prefix[j] + Magnitudes[j];
    }

    public int[] Indices { get; }

    public double[] Magnitudes { get; }

    public double[] Prefix { get; }

    public int Count => Indices.Length;

    /// <summary>How many magnitudes are strictly above <paramref name="threshold"/> (a prefix, since they are sorted).</summary>
    public int CountAbove(double threshold)
    {
        int lo = 0, hi = Magnitudes.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Magnitudes[mid] > threshold) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The groups of <paramref name="input"/> under <paramref name="groupOf"/> (weight index → group), each sorted.</summary>
    public static SortedGroup[] Build(ReadOnlySpan<float> input, int groupCount, Func<int, int> groupOf)
    {
        var members = new List<int>[groupCount];
        for (var g = 0; g < members.Length; g++) members[g] = [];
        for (var i = 0; i < input.Length; i++) members[groupOf(i)].Add(i);
        var groups = new SortedGroup[groupCount];
        for (var g = 0; g < groups.Length; g++) groups[g] = new SortedGroup(members[g], input);
        return groups;
    }
}
