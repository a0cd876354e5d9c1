namespace AdmmNn.Core.Constraints;

/// <summary>The k highest of a set of scores in O(n) (quickselect), lower index first on ties.</summary>
internal static class TopScores
{
    /// <summary>The k highest scores (lower index first on ties), in O(n) by selecting the k-th value.</summary>
    public static int[] TopSet(double[] scores, int k)
    {
        if (k <= 0) return [];
        if (k >= scores.Length) return [.. Enumerable.Range(0, scores.Length)];
        var threshold = KthLargest(scores, k);
        var set = new List<int>(k);
        for (var g = 0; g < scores.Length; g++) if (scores[g] > threshold) set.Add(g);
        for (var g = 0; g < scores.Length && set.Count < k; g++) if (scores[g] == threshold) set.Add(g);
        set.Sort();
        return [.. set];
    }

    /// <summary>The k-th largest value (1-based), by quickselect on a copy.</summary>
    public static double KthLargest(double[] scores, int k)
    {
        var a = (double[])scores.Clone();
        int left = 0, right = a.Length - 1, target = k - 1;
        var rng = new Random(a.Length);
        while (true)
        {
            if (left == right) return a[left];
            var pivot = a[rng.Next(left, right + 1)];
            // Three-way partition in descending order: > pivot | == pivot | < pivot.
            int lt = left, i = left, gt = right;
            while (i <= gt)
            {
                if (a[i] > pivot)
                {
                    (a[lt], a[i]) = (a[i], a[lt]);
                    lt++;
                    i++;
                }
                else if (a[i] < pivot)
                {
                    (a[i], a[gt]) = (a[gt], a[i]);
                    gt--;
                }
                else
                {
                    i++;
                }
            }
            if (target < lt) right = lt - 1;
            else if (target > gt) left = gt + 1;
            else return pivot;
        }
    }
}
