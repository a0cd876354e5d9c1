namespace AdmmNn.Core.Compression;

/// <summary>One progress report: where the run is and how it is doing.</summary>
/// <param name="Phase">Phase name (<c>admm-prune</c>, <c>retrain</c>, <c>admm-quantize</c>, <c>finetune</c>, <c>magnitude-prune</c>, …).</param>
/// <param name="Iteration">ADMM iteration (or logging interval) within the phase, 1-based; 0 at phase start.</param>
/// <param name="Batch">Batches done in the phase.</param>
/// <param name="TotalBatches">Batches the phase will run.</param>
/// <param name="Loss">Mean training loss over the interval (NaN at phase start).</param>
/// <param name="Accuracy">Monitor accuracy on the test subset (NaN when not evaluated).</param>
/// <param name="PrimalResidual">Largest per-layer ‖W−Z‖/‖W‖ (NaN outside ADMM phases).</param>
/// <param name="DualResidual">Largest per-layer ρ‖Z−Z_prev‖ (NaN outside ADMM phases).</param>
/// <param name="Message">Free text (phase starts, early stops).</param>
public sealed record CompressionProgress(
    string Phase, int Iteration, int Batch, int TotalBatches, double Loss, double Accuracy, double PrimalResidual, double DualResidual, string Message);
