using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AdmmNn.Core.Policy;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Between a running compression and its <see cref="Checkpoint"/> file: the run's fingerprint and arithmetic signature,
/// snapshots of the trainable state, and the checks and restore of a resumed run.
/// </summary>
internal static class CheckpointState
{
    /// <summary>The engine settings that decide floating-point summation order.</summary>
    public static string ArithmeticSignature() =>
        $"GEMM {AdmmNn.Tensors.Kernels.Gemm.Backend}/{AdmmNn.Tensors.Kernels.Gemm.ManagedKernel} on {AdmmNn.Tensors.Kernels.Gemm.Threads} threads, {Workers.Threads} engine threads";

    /// <summary>Identifies a run: method, seed, policy and parameter shapes. A checkpoint resumes only the run it came from.</summary>
    public static string Fingerprint(CompressionPolicy policy, CompressionMethod method, int seed, GraphModule module)
    {
        var text = new StringBuilder();
        text.Append(method).Append('|').Append(seed).Append('|').Append(JsonSerializer.Serialize(policy, ResultJson.Options));
        foreach (var p in module.Parameters) text.Append('|').Append(p.Name).Append(':').Append(string.Join(",", p.Shape));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Loads the checkpoint in <paramref name="directory"/> for a run with <paramref name="fingerprint"/> and restores the
    /// model and layer states from it. Another run's checkpoint is an error; other engine settings are an error when the
    /// policy is deterministic and a warning (through <paramref name="progress"/>) otherwise.
    /// </summary>
    public static Checkpoint Resume(string? directory, string fingerprint, string arithmetic, CompressionPolicy policy, GraphModule module,
        List<LayerState> layers, IProgress<CompressionProgress>? progress)
    {
        var dir = directory ?? throw new ArgumentException("resuming needs the checkpoint directory of the run to continue");
        if (!Checkpoint.Exists(dir)) throw new FileNotFoundException($"no checkpoint to resume in '{dir}' (expected {Checkpoint.FileName})", Path.Combine(dir, Checkpoint.FileName));
        var state = Checkpoint.Load(dir);
        if (state.Fingerprint != fingerprint)
            throw policy.Error("", $"does not match the checkpoint in '{dir}' (different policy, method, seed or model); start again instead of resuming");
        if (state.Arithmetic != arithmetic)
        {
            // Same data, same seed, but another summation order: the run continues correctly, just not bit-identically.
            var why = $"the checkpoint in '{dir}' was written with {state.Arithmetic}; this run has {arithmetic}";
            if (policy.Deterministic)
                throw policy.Error("deterministic", $"is true but {why}, so the final weights could not equal an uninterrupted run's; resume with the same engine settings (threads, GEMM backend) or set \"deterministic\": false");
            progress?.Report(new CompressionProgress("resume", 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN,
                $"warning: {why} (deterministic is false: continuing)"));
            state.Arithmetic = arithmetic;
        }
        Restore(state, module, layers);
        return state;
    }

    /// <summary>The run's state now, for <see cref="Checkpoint.Save"/>; <paramref name="optimizer"/> is null between phases.</summary>
    public static Checkpoint Snapshot(Checkpoint state, GraphModule module, List<LayerState> layers, Optimizer? optimizer)
    {
        byte[] optimizerState = [];
        if (optimizer is not null)
        {
            using var ms = new MemoryStream();
            optimizer.SaveState(ms);
            optimizerState = ms.ToArray();
        }
        return new Checkpoint
        {
            Fingerprint = state.Fingerprint, PhaseIndex = state.PhaseIndex, BatchInPhase = state.BatchInPhase, PhaseIteration = state.PhaseIteration,
            PhaseStarted = state.PhaseStarted, EarlyStopped = state.EarlyStopped, BaselineAccuracy = state.BaselineAccuracy, BaselineLoss = state.BaselineLoss,
            ElapsedSeconds = state.ElapsedSeconds, PhaseSeconds = state.PhaseSeconds, DropoutSeed = module.DropoutSeed, Arithmetic = state.Arithmetic,
            History = state.History, Phases = state.Phases,
            Parameters = module.Parameters.ToDictionary(p => p.Name, p => p.Value.ToArray()),
            Layers = [.. layers.Select(l => new Checkpoint.LayerSnapshot(l.Name, l.Rho, l.Z, l.U, l.Mask, l.Frozen))],
            OptimizerState = optimizerState,
        };
    }

    private static void Restore(Checkpoint state, GraphModule module, List<LayerState> layers)
    {
        foreach (var p in module.Parameters)
        {
            if (state.Parameters.TryGetValue(p.Name, out var values) && values.Length == p.Value.Size) values.CopyTo(p.Value.AsSpan());
            else throw new InvalidDataException($"checkpoint has no values for parameter '{p.Name}'");
        }
        module.DropoutSeed = state.DropoutSeed;
        foreach (var snapshot in state.Layers)
        {
            var l = layers.Find(x => x.Name == snapshot.Name) ?? throw new InvalidDataException($"checkpoint layer '{snapshot.Name}' is not in the model");
            l.Rho = snapshot.Rho;
            l.Z = snapshot.Z;
            l.U = snapshot.U;
            l.Mask = snapshot.Mask;
            l.Frozen = snapshot.Frozen;
        }
    }
}
