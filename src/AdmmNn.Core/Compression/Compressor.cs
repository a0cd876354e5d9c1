using System.Diagnostics;
using System.Globalization;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression.DeadUnits;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Core.Compression;

/// <summary>
/// Compresses a trained model under a <see cref="CompressionPolicy"/> (ADMM-NN, Ren et al. 2019):
/// <list type="number">
/// <item>ADMM pruning: W-step = SGD/Adam on loss + Σ ρ/2‖W − Z + U‖² (the hook adds ρ(W − Z + U) to the gradients);
/// every K batches Z = Π(W + U), U += W − Z, ρ grows; per-layer residuals logged; early stop under the tolerance.</item>
/// <item>Hard projection W = Π(W); the support becomes a frozen mask.</item>
/// <item>Masked retraining: gradients of pruned weights are zeroed and the mask re-applied after every step.</item>
/// <item>ADMM quantization of the survivors (zero is a level; the mask stays frozen), then hard projection; the
/// quantized weights are frozen.</item>
/// <item>Fine-tuning of what stays float (biases, unconstrained layers).</item>
/// </list>
/// The magnitude baseline (<see cref="CompressionMethod.Magnitude"/>) replaces 1–3 by iterative prune + retrain rounds
/// under the same epoch budget and 4 by a direct projection. Checkpoints after every iteration make runs resumable.
/// The pieces: <see cref="PhasePlan"/> (which phases), <see cref="PolicyBinding"/> (rules to weights and projections),
/// <see cref="PhaseTransitions"/> (entering and leaving a phase), <see cref="AdmmStep"/> (one Z/U/ρ update),
/// <see cref="CheckpointState"/> (resume and snapshots) and <see cref="ResultBuilder"/> (the result table).
/// </summary>
public sealed class Compressor
{
    private const int EvaluationBatch = 500;
    private readonly CompressionPolicy _policy;
    private readonly PolicyBinding _binding;
    private readonly PhaseTransitions _transitions;

    /// <summary>Creates a compressor for <paramref name="policy"/>; <paramref name="kinds"/> adds plugin constraint kinds.</summary>
    public Compressor(CompressionPolicy policy, ConstraintKindRegistry? kinds = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        _policy = policy;
        _binding = new PolicyBinding(policy, kinds ?? new ConstraintKindRegistry());
        _transitions = new PhaseTransitions(policy, _binding);
    }

    /// <summary>Runs the whole compression. Throws <see cref="PolicyException"/> when the policy does not fit the model.</summary>
    public CompressionOutcome Run(ModelGraph graph, LabeledImageSet train, LabeledImageSet test, CompressionOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(graph, TrainingData.Create(_policy, train, test, options.Validation, EvaluationBatch), options, cancellation);
    }

    /// <summary>
    /// Runs the whole compression on splits read as they are used (image folders): the training split in the run's seeded
    /// order with its augmentation, the test split in evaluation batches, so memory does not grow with the data set.
    /// <see cref="CompressionOptions.Validation"/> is not used: the validation split is <paramref name="data"/>'s.
    /// </summary>
    /// <exception cref="AdmmNn.Abstractions.Datasets.DatasetFormatException">A sample turns out unreadable while it is streamed.</exception>
    public CompressionOutcome Run(ModelGraph graph, StreamedData data, CompressionOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return Run(graph, TrainingData.Create(_policy, data, EvaluationBatch, options.Seed ?? _policy.Seed), options, cancellation);
    }

    private CompressionOutcome Run(ModelGraph graph, TrainingData data, CompressionOptions options, CancellationToken cancellation)
    {
        var wall = Stopwatch.StartNew();
        var seed = options.Seed ?? _policy.Seed;
        var module = GraphModule.FromGraph(graph);
        var layers = _binding.BindLayers(module);
        var biases = _binding.BindBiases(module, layers);
        // The teacher is the policy's teacher model or the input model as given (also when resuming), so its logits are
        // computed once, up front.
        var teacherLogits = _policy.Schedule.Distillation is null ? null : TeacherLogits(graph, data, options);
        var phases = PhasePlan.For(_policy.Schedule, options.Method);
        var hook = new ConstraintHook(layers);
        var fingerprint = CheckpointState.Fingerprint(_policy, options.Method, seed, module);
        var arithmetic = CheckpointState.ArithmeticSignature();

        Checkpoint state;
        if (options.Resume)
        {
            state = CheckpointState.Resume(options.CheckpointDirectory, fingerprint, arithmetic, _policy, module, layers, options.Progress);
        }
        else
        {
            state = new Checkpoint { Fingerprint = fingerprint, Arithmetic = arithmetic };
            var baseline = data.EvaluateTest(module);
            state.BaselineAccuracy = baseline.Accuracy;
            state.BaselineLoss = baseline.Loss;
            options.Progress?.Report(new CompressionProgress("baseline", 0, 0, 0, double.NaN, baseline.Accuracy, double.NaN, double.NaN,
                $"input model: test accuracy {baseline.Accuracy:P2} on {baseline.Count} samples"));
        }

        var deadUnitLinks = _policy.Schedule.RemoveDeadUnits ? UnitLinks.Find(graph) : null;
        var run = new PhaseRun(module, layers, hook, data, teacherLogits, seed, options, wall, cancellation, deadUnitLinks);
        for (; state.PhaseIndex < phases.Count; state.PhaseIndex++) RunPhase(phases[state.PhaseIndex], state, run);

        RemoveDeadUnits(run, "final");
        PolicyBinding.QuantizeBiases(biases);
        RemoveDeadUnits(run, "bias-levels"); // a bias rounded to 0 can leave a unit constant zero
        _binding.BuildQuantizeProjections(layers, activate: false); // for the descriptions in the report
        var compressed = module.ToGraph();
        var final = data.EvaluateTest(module);
        state.ElapsedSeconds += wall.Elapsed.TotalSeconds;
        var result = ResultBuilder.Build(_policy, compressed, layers, biases, state, final, options, data.SampleShape, options.Resume);
        compressed.Metadata["admmnn.method"] = result.Method;
        compressed.Metadata["admmnn.accuracy"] = result.FinalAccuracy.ToString("R", CultureInfo.InvariantCulture);
        compressed.Metadata["admmnn.pruningRatio"] = result.PruningRatio.ToString("R", CultureInfo.InvariantCulture);
        compressed.Metadata["admmnn.storageRatio"] = result.StorageRatio.ToString("R", CultureInfo.InvariantCulture);
        // The preprocessing travels with the model, so the runtime and `evaluate` feed it exactly what training saw.
        if (!data.Augmentation.Equals(ImagePreprocessing.Default)) compressed.Metadata[ImagePreprocessing.MetadataKey] = data.Augmentation.ToJson();
        data.DescribeSplits(result.Splits, options.SplitOrigins);
        return new CompressionOutcome(compressed, result, g => data.EvaluateTest(GraphModule.FromGraph(g)).Accuracy);
    }

    /// <summary>
    /// The soft targets: the logits of <c>schedule.distillation.teacher</c> on the training set (with its own preprocessing),
    /// or of the input model when the policy names no teacher. A teacher whose input shape or class count differs from the
    /// student's is a <see cref="PolicyException"/> naming the field and the file.
    /// </summary>
    private float[] TeacherLogits(ModelGraph input, TrainingData data, CompressionOptions options)
    {
        var path = _policy.Schedule.Distillation!.Teacher;
        if (path is null) return data.TrainLogits(GraphModule.FromGraph(input));
        const string Field = "schedule.distillation.teacher";
        var teacher = options.Teacher ?? throw _policy.Error(Field, $"names '{path}', but the run was given no teacher model (CompressionOptions.Teacher)");
        if (!string.Equals(Path.GetFullPath(teacher.Path), Path.GetFullPath(path), StringComparison.Ordinal))
            throw _policy.Error(Field, $"names '{path}', but the run was given '{teacher.Path}'");
        if (teacher.Graph.Inputs is [{ Dims: var dims }, ..] && dims.Length == data.SampleShape.Length + 1 && dims.Skip(1).All(d => d > 0)
            && !dims.Skip(1).SequenceEqual(data.SampleShape.Select(d => (long)d)))
            throw _policy.Error(Field, $"'{teacher.Path}' takes inputs of shape [{string.Join(",", dims.Skip(1))}], the student [{string.Join(",", data.SampleShape)}]");
        if (!SameGeometry(teacher.Preprocessing, data.Augmentation))
            throw _policy.Error(Field, $"'{teacher.Path}' records another image geometry (color, resize, crop) than the run's: {teacher.Preprocessing.ToJson()} against {data.Augmentation.ToJson()}");
        var studentClasses = Evaluator.Logits(GraphModule.FromGraph(input), data.MonitorImages, Math.Min(1, data.MonitorCount), data.SampleShape, 1).Length;
        float[] logits;
        try
        {
            logits = data.TrainLogits(GraphModule.FromGraph(teacher.Graph), teacher.Preprocessing);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw _policy.Error(Field, $"'{teacher.Path}' cannot run on the student's inputs: {ex.Message}");
        }
        var teacherClasses = data.TrainCount == 0 ? 0 : logits.Length / data.TrainCount;
        if (data.MonitorCount > 0 && teacherClasses != studentClasses)
            throw _policy.Error(Field, $"'{teacher.Path}' gives {teacherClasses} class scores per image, the student {studentClasses}");
        return logits;
    }

    /// <summary>Whether two preprocessings give images of the same size and colors (scaling and normalization may differ).</summary>
    private static bool SameGeometry(ImagePreprocessing a, ImagePreprocessing b) =>
        a.Color == b.Color && a.Resize == b.Resize && a.CenterCrop == b.CenterCrop;

    /// <summary>What every phase of one run shares.</summary>
    private sealed record PhaseRun(GraphModule Module, List<LayerState> Layers, ConstraintHook Hook, TrainingData Data, float[]? TeacherLogits,
        int Seed, CompressionOptions Options, Stopwatch Wall, CancellationToken Cancellation, List<UnitLink>? DeadUnitLinks);

    /// <summary>Zeroes the dead units' weights and biases when the policy asks (<see cref="CompressionSchedule.RemoveDeadUnits"/>).</summary>
    private static void RemoveDeadUnits(PhaseRun run, string when)
    {
        if (run.DeadUnitLinks is not { } links) return;
        var report = DeadUnitPass.Run(links, run.Module, run.Layers);
        run.Options.Progress?.Report(new CompressionProgress(when, 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN,
            $"dead units ({when}): {report.UnusedUnits} unused, {report.ZeroUnits} constant zero; {report.WeightsZeroed} weights and {report.BiasesZeroed} biases zeroed"));
    }

    /// <summary>Trains through one phase (from its start, or from where a checkpoint left it), then leaves it.</summary>
    private void RunPhase(Phase phase, Checkpoint state, PhaseRun run)
    {
        var (module, layers, data, options, schedule) = (run.Module, run.Layers, run.Data, run.Options, _policy.Schedule);
        var phaseClock = Stopwatch.StartNew();
        var batchesPerEpoch = data.BatchesPerEpoch(schedule);
        var totalBatches = (int)Math.Round(phase.Epochs * batchesPerEpoch);
        var totalIterations = (totalBatches + schedule.AdmmInterval - 1) / schedule.AdmmInterval;
        _transitions.Plan(phase, totalIterations);
        if (!state.PhaseStarted)
        {
            _transitions.Start(phase, layers);
            state.PhaseStarted = true;
            state.BatchInPhase = 0;
            state.PhaseIteration = 0;
            state.EarlyStopped = false;
            state.PhaseSeconds = 0;
            options.Progress?.Report(new CompressionProgress(phase.Name, 0, 0, totalBatches, double.NaN, double.NaN, double.NaN, double.NaN,
                $"phase {phase.Name}: {phase.Epochs:0.###} epochs = {totalBatches} batches of {schedule.BatchSize}, lr {phase.LearningRate:G3}"));
        }
        else
        {
            _transitions.Resume(phase, layers, state.PhaseIteration);
        }

        run.Hook.Admm = phase.IsAdmm;
        var optimizer = CreateOptimizer(module, phase.LearningRate);
        var rates = phase.Rates.ScheduleFor(totalBatches);
        if (state.BatchInPhase > 0 && state.OptimizerState.Length > 0) optimizer.LoadState(new MemoryStream(state.OptimizerState));
        var trainer = new Trainer(module, optimizer);
        trainer.Hooks.Add(run.Hook);
        using var batch = new TrainingBatch(schedule.BatchSize, data, run.TeacherLogits);

        double lossSum = 0;
        var lossCount = 0;
        var sinceLog = 0;
        while (state.BatchInPhase < totalBatches && !state.EarlyStopped)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            batch.Fill(run.Seed, state.PhaseIndex, state.BatchInPhase, batchesPerEpoch);
            rates.Apply(optimizer, state.BatchInPhase);
            var r = batch.HasTeacher
                ? trainer.TrainBatch(batch.Images, batch.Labels, batch.Teacher, schedule.Distillation!.Weight, schedule.Distillation.Temperature)
                : trainer.TrainBatch(batch.Images, batch.Labels);
            lossSum += r.Loss;
            lossCount++;
            state.BatchInPhase++;
            sinceLog++;
            if (sinceLog == schedule.AdmmInterval || state.BatchInPhase == totalBatches)
            {
                state.PhaseIteration++;
                var record = AdmmStep.Iterate(phase, layers, state, lossCount == 0 ? double.NaN : lossSum / lossCount, _policy, _transitions);
                record.Accuracy = MonitorAccuracy(module, data);
                state.History.Add(record);
                lossSum = 0;
                lossCount = 0;
                sinceLog = 0;
                state.PhaseSeconds += phaseClock.Elapsed.TotalSeconds;
                phaseClock.Restart();
                state.ElapsedSeconds += run.Wall.Elapsed.TotalSeconds;
                run.Wall.Restart();
                if (options.CheckpointDirectory is { } dir) CheckpointState.Snapshot(state, module, layers, optimizer).Save(dir);
                options.Progress?.Report(new CompressionProgress(phase.Name, state.PhaseIteration, state.BatchInPhase, totalBatches, record.Loss,
                    record.Accuracy, record.PrimalResidual ?? double.NaN, record.DualResidual ?? double.NaN,
                    state.EarlyStopped ? "residuals under tolerance: early stop" : ""));
            }
        }

        PhaseTransitions.End(phase, layers);
        if (phase.Kind is PhaseKind.AdmmPrune or PhaseKind.AdmmQuantize) RemoveDeadUnits(run, phase.Name);
        var phaseAccuracy = MonitorAccuracy(module, data);
        state.PhaseSeconds += phaseClock.Elapsed.TotalSeconds;
        state.Phases.Add(new PhaseReport
        {
            Name = phase.Name, Batches = state.BatchInPhase, PlannedBatches = totalBatches, EarlyStopped = state.EarlyStopped,
            Seconds = state.PhaseSeconds, Accuracy = phaseAccuracy,
        });
        options.Progress?.Report(new CompressionProgress(phase.Name, state.PhaseIteration, state.BatchInPhase, totalBatches, double.NaN, phaseAccuracy,
            double.NaN, double.NaN, $"phase {phase.Name} done in {state.PhaseSeconds:0.0} s: monitor accuracy {phaseAccuracy:P2}"));
        state.PhaseStarted = false;
        state.BatchInPhase = 0;
        state.PhaseIteration = 0;
        state.EarlyStopped = false;
        state.PhaseSeconds = 0;
        state.ElapsedSeconds += run.Wall.Elapsed.TotalSeconds;
        run.Wall.Restart();
        if (options.CheckpointDirectory is { } ckpt)
        {
            var next = CheckpointState.Snapshot(state, module, layers, null);
            next.PhaseIndex = state.PhaseIndex + 1;
            next.Save(ckpt);
        }
    }

    private static double MonitorAccuracy(GraphModule module, TrainingData data) => data.MonitorCount > 0
        ? Evaluator.Evaluate(module, data.MonitorImages, data.MonitorLabels, data.SampleShape, EvaluationBatch).Accuracy
        : double.NaN;

    private Optimizer CreateOptimizer(GraphModule module, double learningRate) => _policy.Schedule.Optimizer == "sgd"
        ? new Sgd(module.Parameters, learningRate, _policy.Schedule.Momentum)
        : new Adam(module.Parameters, learningRate);
}
