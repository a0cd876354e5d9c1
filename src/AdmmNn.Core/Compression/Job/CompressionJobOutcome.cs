using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Policy;
using AdmmNn.Diagnostics;

namespace AdmmNn.Core.Compression.Job;

/// <summary>What a <see cref="CompressionJob"/> produced: the model to save, the result (the report's input) and the gate verdicts.</summary>
/// <param name="Model">The compressed model, with its structure metadata.</param>
/// <param name="Result">The measurements, gates and (with a target) the hardware comparison; report.json and report.html are made from it.</param>
/// <param name="Policy">The policy as run (after the target's adjustments).</param>
/// <param name="HardwarePlan">The hardware-aware decisions, or null without a target.</param>
/// <param name="GateDiagnostics">One error per failed gate, pointing at the policy line that set it when the policy did.</param>
public sealed record CompressionJobOutcome(ModelGraph Model, CompressionResult Result, CompressionPolicy Policy, HardwareAwarePlan? HardwarePlan,
    IReadOnlyList<Diagnostic> GateDiagnostics)
{
    /// <summary>True when every gate held.</summary>
    public bool Passed => GateDiagnostics.Count == 0;
}
