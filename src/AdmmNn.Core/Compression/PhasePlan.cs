using AdmmNn.Core.Policy;

namespace AdmmNn.Core.Compression;

/// <summary>What a phase does to the constrained weights.</summary>
internal enum PhaseKind { AdmmPrune, Retrain, AdmmQuantize, Finetune, MagnitudePrune, MagnitudeQuantize }

/// <summary>One phase of the plan; <paramref name="Rates"/> gives its learning rate per batch (start, decay).</summary>
internal sealed record Phase(string Name, PhaseKind Kind, double Epochs, PhaseSchedule Rates, int Round = 0, int Rounds = 0)
{
    public double LearningRate => Rates.LearningRate;

    public bool IsAdmm => Kind is PhaseKind.AdmmPrune or PhaseKind.AdmmQuantize;
}

/// <summary>The phases a run goes through, from the policy's schedule and the method.</summary>
internal static class PhasePlan
{
    /// <summary>ADMM: prune, retrain, quantize, fine-tune. Magnitude: the same epoch budget as prune-and-retrain rounds, then quantize.</summary>
    public static List<Phase> For(CompressionSchedule s, CompressionMethod method)
    {
        if (method == CompressionMethod.Admm)
        {
            return
            [
                new("admm-prune", PhaseKind.AdmmPrune, s.AdmmPrune.Epochs, s.AdmmPrune),
                new("retrain", PhaseKind.Retrain, s.Retrain.Epochs, s.Retrain),
                new("admm-quantize", PhaseKind.AdmmQuantize, s.AdmmQuantize.Epochs, s.AdmmQuantize),
                new("finetune", PhaseKind.Finetune, s.Finetune.Epochs, s.Finetune),
            ];
        }
        // Same budget: the pruning + retraining epochs split over the rounds; quantization + fine-tuning epochs after.
        var rounds = s.MagnitudeRounds;
        var perRound = (s.AdmmPrune.Epochs + s.Retrain.Epochs) / rounds;
        var phases = new List<Phase>();
        for (var r = 1; r <= rounds; r++)
            phases.Add(new($"magnitude-prune-{r}", PhaseKind.MagnitudePrune, perRound, r < rounds ? s.AdmmPrune : s.Retrain, r, rounds));
        phases.Add(new("quantize-finetune", PhaseKind.MagnitudeQuantize, s.AdmmQuantize.Epochs + s.Finetune.Epochs, s.Finetune));
        return phases;
    }
}
