using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Data.Formats;

/// <summary>
/// The three splits a run uses and where each comes from. Validation is the dataset's own <c>val</c> split, else a seeded
/// held-out fraction of the training split; test is the dataset's own test split, else another held-out fraction.
/// The compressor tunes on <see cref="Validation"/> only; <see cref="Test"/> is reported.
/// </summary>
/// <param name="Train">Samples trained on.</param>
/// <param name="Validation">Samples tuned on (monitoring, early stop); null when the fraction is 0 and the dataset has none.</param>
/// <param name="Test">Samples reported on.</param>
/// <param name="Origins">For each split name, a phrase saying where it came from, for results.</param>
public sealed record SplitPlan(IDatasetSplit Train, IDatasetSplit? Validation, IDatasetSplit Test, IReadOnlyDictionary<string, string> Origins)
{
    /// <summary>Plans the splits of <paramref name="dataset"/>.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="validationFraction">Fraction of the training split held out for validation when the dataset has no val split (0 = none).</param>
    /// <param name="seed">Seeds which samples are held out.</param>
    /// <exception cref="DatasetFormatException">The dataset has no training split, or holding out leaves nothing.</exception>
    public static SplitPlan For(IDataset dataset, double validationFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (validationFraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(validationFraction), "must be in [0, 1)");
        var train = dataset.Splits.FirstOrDefault(s => s.Name == DatasetSplitNames.Train)
                    ?? throw new DatasetFormatException(dataset.Name, "has no training split");
        var val = dataset.Splits.FirstOrDefault(s => s.Name == DatasetSplitNames.Validation);
        var test = dataset.Splits.FirstOrDefault(s => s.Name == DatasetSplitNames.Test);
        var origins = new Dictionary<string, string>
        {
            [DatasetSplitNames.Train] = $"{dataset.Name} train split",
        };

        var order = Permutation(train.Count, seed);
        var used = 0;
        if (test is null)
        {
            var fraction = validationFraction > 0 ? validationFraction : 0.1;
            var n = HeldOutCount(train, fraction);
            test = new SubsetSplit(DatasetSplitNames.Test, train, order[..n].Order().ToArray());
            used += n;
            origins[DatasetSplitNames.Test] = $"{n} samples ({fraction:P0}) held out of {dataset.Name} train, seed {seed} (the dataset has no test split)";
        }
        else
        {
            origins[DatasetSplitNames.Test] = $"{dataset.Name} test split";
        }

        if (val is not null)
        {
            origins[DatasetSplitNames.Validation] = $"{dataset.Name} val split";
        }
        else if (validationFraction > 0)
        {
            var n = HeldOutCount(train, validationFraction);
            val = new SubsetSplit(DatasetSplitNames.Validation, train, order[used..(used + n)].Order().ToArray());
            used += n;
            origins[DatasetSplitNames.Validation] = $"{n} samples ({validationFraction:P0}) held out of {dataset.Name} train, seed {seed}";
        }

        if (used > 0)
        {
            if (used >= train.Count) throw new DatasetFormatException(dataset.Name, $"holding out {used} samples leaves none of {train.Count} to train on");
            train = new SubsetSplit(DatasetSplitNames.Train, train, order[used..].Order().ToArray());
            origins[DatasetSplitNames.Train] = $"{train.Count} of {dataset.Name} train (the rest held out)";
        }

        return new SplitPlan(train, val, test, origins);
    }

    private static int HeldOutCount(IDatasetSplit train, double fraction) => Math.Max(1, (int)Math.Round(train.Count * fraction));

    /// <summary>A seeded Fisher–Yates permutation of 0..n-1.</summary>
    public static int[] Permutation(int n, int seed)
    {
        var order = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }
}
