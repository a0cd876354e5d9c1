using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Runtime.Format;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Parallelism;
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
/// </summary>
public sealed class Compressor
{
    private readonly CompressionPolicy _policy;
    private readonly ConstraintKindRegistry _kinds;

    /// <summary>Creates a compressor for <paramref name="policy"/>; <paramref name="kinds"/> adds plugin constraint kinds.</summary>
    public Compressor(CompressionPolicy policy, ConstraintKindRegistry? kinds = null)
    {
        _policy = policy;
        _kinds = kinds ?? new ConstraintKindRegistry();
    }

    private enum PhaseKind { AdmmPrune, Retrain, AdmmQuantize, Finetune, MagnitudePrune, MagnitudeQuantize }

    /// <summary>One phase of the plan; <paramref name="Rates"/> gives its learning rate per batch (start, decay).</summary>
    private sealed record Phase(string Name, PhaseKind Kind, double Epochs, PhaseSchedule Rates, int Round = 0, int Rounds = 0)
    {
        public double LearningRate => Rates.LearningRate;

        public bool IsAdmm => Kind is PhaseKind.AdmmPrune or PhaseKind.AdmmQuantize;
    }

    /// <summary>Runs the whole compression. Throws <see cref="PolicyException"/> when the policy does not fit the model.</summary>
    public CompressionOutcome Run(ModelGraph graph, LabeledImageSet train, LabeledImageSet test, CompressionOptions options, CancellationToken cancellation = default)
    {
        var wall = Stopwatch.StartNew();
        var seed = options.Seed ?? _policy.Seed;
        var schedule = _policy.Schedule;
        if (_policy.Data.TrainSamples is { } nTrain && nTrain < train.Count) train = train.Take(nTrain);
        if (_policy.Data.TestSamples is { } nTest && nTest < test.Count) test = test.Take(nTest);
        int[] sampleShape = [train.Channels, train.Height, train.Width];
        var trainImages = train.ToFloatImages();
        var trainLabels = train.LabelsAsInt();
        var testImages = test.ToFloatImages();
        var testLabels = test.LabelsAsInt();
        var sampleSize = sampleShape.Aggregate(1, (a, d) => a * d);
        // Tuning figures come from the validation split when there is one, never from the test split.
        var monitorSet = options.Validation ?? test;
        var monitorCount = Math.Min(schedule.MonitorSamples, monitorSet.Count);
        var monitorImages = options.Validation is null ? testImages.AsSpan(0, monitorCount * sampleSize).ToArray() : monitorSet.Take(monitorCount).ToFloatImages();
        var monitorLabels = monitorSet.LabelsAsInt().AsSpan(0, monitorCount).ToArray();
        var augmentation = train.Preprocessing;

        var module = GraphModule.FromGraph(graph);
        var layers = BindLayers(module);
        var biases = BindBiases(module, layers);
        var distillation = schedule.Distillation;
        // The teacher is the input model as given (also on --resume), so its logits are computed once, up front.
        var teacherLogits = distillation is null ? null : Evaluator.Logits(GraphModule.FromGraph(graph), trainImages, trainLabels.Length, sampleShape, 500);
        var classes = teacherLogits is null ? 0 : teacherLogits.Length / trainLabels.Length;
        var phases = PlanPhases(options.Method);
        var hook = new ConstraintHook(layers);
        var fingerprint = Fingerprint(options.Method, seed, module);

        var arithmetic = ArithmeticSignature();
        var state = new Checkpoint { Fingerprint = fingerprint, Arithmetic = arithmetic };
        var resumed = false;
        if (options.Resume)
        {
            var dir = options.CheckpointDirectory ?? throw new ArgumentException("--resume needs a checkpoint directory");
            if (!Checkpoint.Exists(dir)) throw new FileNotFoundException($"no checkpoint to resume in '{dir}' (expected {Checkpoint.FileName})", Path.Combine(dir, Checkpoint.FileName));
            state = Checkpoint.Load(dir);
            if (state.Fingerprint != fingerprint)
                throw _policy.Error("", $"does not match the checkpoint in '{dir}' (different policy, method, seed or model); start again without --resume");
            if (state.Arithmetic != arithmetic)
            {
                // Same data, same seed, but another summation order: the run continues correctly, just not bit-identically.
                var why = $"the checkpoint in '{dir}' was written with {state.Arithmetic}; this run has {arithmetic}";
                if (_policy.Deterministic)
                    throw _policy.Error("deterministic", $"is true but {why}, so the final weights could not equal an uninterrupted run's; resume with the same engine settings (threads, GEMM backend) or set \"deterministic\": false");
                options.Progress?.Report(new CompressionProgress("resume", 0, 0, 0, double.NaN, double.NaN, double.NaN, double.NaN,
                    $"warning: {why} (deterministic is false: continuing)"));
                state.Arithmetic = arithmetic;
            }
            Restore(state, module, layers);
            resumed = true;
        }
        else
        {
            var baseline = Evaluator.Evaluate(module, testImages, testLabels, sampleShape, 500);
            state.BaselineAccuracy = baseline.Accuracy;
            state.BaselineLoss = baseline.Loss;
            options.Progress?.Report(new CompressionProgress("baseline", 0, 0, 0, double.NaN, baseline.Accuracy, double.NaN, double.NaN,
                $"input model: test accuracy {baseline.Accuracy:P2} on {baseline.Count} samples"));
        }

        var batchesPerEpoch = Math.Max(1, trainLabels.Length / schedule.BatchSize);
        if (schedule.MaxBatchesPerEpoch is { } cap) batchesPerEpoch = Math.Min(batchesPerEpoch, cap);
        var batchImages = new Tensor([schedule.BatchSize, .. sampleShape]);
        var batchLabels = new int[schedule.BatchSize];
        var batchTeacher = new float[schedule.BatchSize * classes];

        for (; state.PhaseIndex < phases.Count; state.PhaseIndex++)
        {
            var phase = phases[state.PhaseIndex];
            var phaseClock = Stopwatch.StartNew();
            var totalBatches = (int)Math.Round(phase.Epochs * batchesPerEpoch);
            var totalIterations = (totalBatches + schedule.AdmmInterval - 1) / schedule.AdmmInterval;
            _rampIterations = phase.Kind == PhaseKind.AdmmPrune ? (int)Math.Round(totalIterations * schedule.AdmmRamp) : 0;
            if (!state.PhaseStarted)
            {
                StartPhase(phase, layers);
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
                // Resumed mid-phase: the active projections are rebuilt (quantization ones from the restored masks).
                if (phase.Kind == PhaseKind.AdmmQuantize) BuildQuantizeProjections(layers, activate: true);
                if (phase.Kind == PhaseKind.AdmmPrune) foreach (var l in layers.Where(l => l.Z is not null)) l.Active = PruneTargetAt(l, state.PhaseIteration);
            }

            hook.Admm = phase.IsAdmm;
            var optimizer = CreateOptimizer(module, phase.LearningRate);
            var rates = phase.Rates.ScheduleFor(totalBatches);
            if (state.BatchInPhase > 0 && state.OptimizerState.Length > 0) optimizer.LoadState(new MemoryStream(state.OptimizerState));
            var trainer = new Trainer(module, optimizer);
            trainer.Hooks.Add(hook);

            double lossSum = 0;
            var lossCount = 0;
            var sinceLog = 0;
            int[]? order = null;
            var orderEpoch = -1;
            while (state.BatchInPhase < totalBatches && !state.EarlyStopped)
            {
                cancellation.ThrowIfCancellationRequested();
                var epoch = state.BatchInPhase / batchesPerEpoch;
                if (epoch != orderEpoch)
                {
                    order = Permutation(trainLabels.Length, seed, state.PhaseIndex, epoch);
                    orderEpoch = epoch;
                }
                var first = state.BatchInPhase % batchesPerEpoch * schedule.BatchSize;
                var images = batchImages.AsSpan();
                for (var b = 0; b < schedule.BatchSize; b++)
                {
                    var sample = order![first + b];
                    trainImages.AsSpan(sample * sampleSize, sampleSize).CopyTo(images.Slice(b * sampleSize, sampleSize));
                    if (augmentation.Augments)
                        augmentation.Augment(images.Slice(b * sampleSize, sampleSize), train.Channels, train.Height, train.Width, seed, state.PhaseIndex * 100_000 + epoch, sample);
                    batchLabels[b] = trainLabels[sample];
                }
                rates.Apply(optimizer, state.BatchInPhase);
                BatchResult r;
                if (teacherLogits is not null)
                {
                    for (var b = 0; b < schedule.BatchSize; b++)
                        teacherLogits.AsSpan(order![first + b] * classes, classes).CopyTo(batchTeacher.AsSpan(b * classes, classes));
                    r = trainer.TrainBatch(batchImages, batchLabels, batchTeacher, distillation!.Weight, distillation.Temperature);
                }
                else
                {
                    r = trainer.TrainBatch(batchImages, batchLabels);
                }
                lossSum += r.Loss;
                lossCount++;
                state.BatchInPhase++;
                sinceLog++;
                if (sinceLog == schedule.AdmmInterval || state.BatchInPhase == totalBatches)
                {
                    state.PhaseIteration++;
                    var record = Iterate(phase, layers, state, lossCount == 0 ? double.NaN : lossSum / lossCount);
                    record.Accuracy = monitorCount > 0
                        ? Evaluator.Evaluate(module, monitorImages, monitorLabels, sampleShape, 500).Accuracy
                        : double.NaN;
                    state.History.Add(record);
                    lossSum = 0;
                    lossCount = 0;
                    sinceLog = 0;
                    state.PhaseSeconds += phaseClock.Elapsed.TotalSeconds;
                    phaseClock.Restart();
                    state.ElapsedSeconds += wall.Elapsed.TotalSeconds;
                    wall.Restart();
                    if (options.CheckpointDirectory is { } dir) Snapshot(state, module, layers, optimizer).Save(dir);
                    options.Progress?.Report(new CompressionProgress(phase.Name, state.PhaseIteration, state.BatchInPhase, totalBatches, record.Loss,
                        record.Accuracy, record.PrimalResidual ?? double.NaN, record.DualResidual ?? double.NaN,
                        state.EarlyStopped ? "residuals under tolerance: early stop" : ""));
                }
            }

            EndPhase(phase, layers);
            var phaseAccuracy = monitorCount > 0 ? Evaluator.Evaluate(module, monitorImages, monitorLabels, sampleShape, 500).Accuracy : double.NaN;
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
            state.ElapsedSeconds += wall.Elapsed.TotalSeconds;
            wall.Restart();
            if (options.CheckpointDirectory is { } ckpt)
            {
                var next = Snapshot(state, module, layers, null);
                next.PhaseIndex = state.PhaseIndex + 1;
                next.Save(ckpt);
            }
        }

        QuantizeBiases(biases);
        BuildQuantizeProjections(layers, activate: false); // for the descriptions in the report
        var compressed = module.ToGraph();
        var final = Evaluator.Evaluate(module, testImages, testLabels, sampleShape, 500);
        state.ElapsedSeconds += wall.Elapsed.TotalSeconds;
        var result = BuildResult(compressed, layers, biases, state, final, options, sampleShape, resumed);
        compressed.Metadata["admmnn.method"] = result.Method;
        compressed.Metadata["admmnn.accuracy"] = result.FinalAccuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        compressed.Metadata["admmnn.pruningRatio"] = result.PruningRatio.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        compressed.Metadata["admmnn.storageRatio"] = result.StorageRatio.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        if (!train.Preprocessing.Equals(AdmmNn.Runtime.Preprocessing.ImagePreprocessing.Default))
            compressed.Metadata[AdmmNn.Runtime.Preprocessing.ImagePreprocessing.MetadataKey] = train.Preprocessing.ToJson();
        result.Splits["baselineAccuracy"] = $"test: {test.Name}, {test.Count} samples";
        result.Splits["finalAccuracy"] = $"test: {test.Name}, {test.Count} samples";
        result.Splits["monitorAccuracy"] = options.Validation is null
            ? $"test (no validation split given): first {monitorCount} samples of {test.Name}"
            : $"validation: first {monitorCount} samples of {options.Validation.Name}";
        foreach (var (split, origin) in options.SplitOrigins ?? new Dictionary<string, string>()) result.Splits[split] = origin;
        return new CompressionOutcome(compressed, result);
    }

    // ---- binding the policy to the model ----

    private List<LayerState> BindLayers(GraphModule module)
    {
        var weights = module.Parameters.Where(p => p.Role == ParameterRole.Weight).ToList();
        var layers = new List<LayerState>();
        var used = new bool[_policy.Layers.Count];
        foreach (var p in weights)
        {
            var index = _policy.Layers.FindIndex(r => r.Matches(p.Name));
            if (index < 0) continue;
            used[index] = true;
            var rule = _policy.Layers[index];
            var layout = new WeightLayout(p.Name, p.OpType, (int[])p.Shape.Clone());
            var layer = new LayerState(p, rule, layout);
            if (rule.Prune is { } prune)
                layer.Prune = CreateProjection(prune.Structure, layout, SettingsOf(prune), $"{rule.JsonPath}.prune");
            else if (rule.Constraint is { Phase: "prune" } c)
                layer.Prune = CreateProjection(c.Kind, layout, c.Settings ?? default, $"{rule.JsonPath}.constraint");
            if (rule.Quantize is { } q)
            {
                // Probe now, so layout-dependent errors show before training starts.
                CreateProjection(q.Levels, new WeightLayout(p.Name, p.OpType, [Math.Max(1, layout.Count)]), SettingsOf(q), $"{rule.JsonPath}.quantize");
            }
            else if (rule.Constraint is { Phase: "quantize" } cq)
            {
                CreateProjection(cq.Kind, layout, cq.Settings ?? default, $"{rule.JsonPath}.constraint");
            }
            layers.Add(layer);
        }
        for (var i = 0; i < used.Length; i++)
        {
            if (!used[i])
                throw _policy.Error($"{_policy.Layers[i].JsonPath}.match",
                    $"'{_policy.Layers[i].Match}' matches no weight (or only weights an earlier rule took); weights: {string.Join(", ", weights.Select(w => w.Name))}");
        }
        return layers;
    }

    /// <summary>The bias of each layer whose rule quantizes biases, with its projection (uniform levels on the whole vector).</summary>
    private List<(Parameter Bias, IWeightProjection Projection)> BindBiases(GraphModule module, List<LayerState> layers)
    {
        var biases = new List<(Parameter, IWeightProjection)>();
        foreach (var l in layers)
        {
            if (l.Rule.Bias is not { } q) continue;
            var bias = module.Parameters.FirstOrDefault(p => p.Role == ParameterRole.Bias && p.NodeName == l.Parameter.NodeName);
            if (bias is null) continue; // a layer without bias: nothing to quantize
            var layout = new WeightLayout(bias.Name, bias.OpType, [bias.Value.Size]);
            biases.Add((bias, CreateProjection(q.Levels, layout, SettingsOf(q), $"{l.Rule.JsonPath}.bias")));
        }
        return biases;
    }

    private static void QuantizeBiases(List<(Parameter Bias, IWeightProjection Projection)> biases)
    {
        foreach (var (bias, projection) in biases)
        {
            var b = bias.Value.AsSpan();
            projection.Project(b, b);
        }
    }

    private static JsonElement SettingsOf(PruneRule prune) =>
        prune.Settings ?? JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["keep"] = prune.Keep, ["structure"] = prune.Structure });

    private static JsonElement SettingsOf(QuantizeRule q) =>
        q.Settings ?? JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["bits"] = q.Bits, ["levels"] = q.Levels });

    private IWeightProjection CreateProjection(string kindName, WeightLayout layout, JsonElement settings, string path)
    {
        var kind = _kinds.Find(kindName) ?? throw _policy.Error(path, $"unknown constraint kind '{kindName}' (known: {string.Join(", ", _kinds.Kinds.Select(k => k.Name))})");
        try
        {
            return kind.Create(layout, settings);
        }
        catch (ConstraintSettingsException ex)
        {
            var problem = ex.Message.StartsWith(ex.Field + ": ", StringComparison.Ordinal) ? ex.Message[(ex.Field.Length + 2)..] : ex.Message;
            throw _policy.Error($"{path}.{ex.Field}", $"{problem} (layer {layout.LayerName}, shape [{string.Join(",", layout.Shape)}])");
        }
    }

    private List<Phase> PlanPhases(CompressionMethod method)
    {
        var s = _policy.Schedule;
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

    // ---- phases ----

    private void StartPhase(Phase phase, List<LayerState> layers)
    {
        switch (phase.Kind)
        {
            case PhaseKind.AdmmPrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    StartAdmm(l, PruneTargetAt(l, 0));
                }
                break;
            case PhaseKind.AdmmQuantize:
                BuildQuantizeProjections(layers, activate: true);
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    StartAdmm(l, l.Quantize!);
                }
                break;
            case PhaseKind.MagnitudePrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    var projection = phase.Round == phase.Rounds ? l.Prune! : IntermediatePrune(l, Math.Pow(KeepOf(l), (double)phase.Round / phase.Rounds));
                    HardProject(l, projection);
                    l.Mask = Support(l.Parameter.Value.AsSpan());
                }
                break;
            case PhaseKind.MagnitudeQuantize:
                BuildQuantizeProjections(layers, activate: false);
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    HardProject(l, l.Quantize!);
                    l.Frozen = l.Parameter.Value.ToArray();
                }
                break;
        }
    }

    private static void EndPhase(Phase phase, List<LayerState> layers)
    {
        switch (phase.Kind)
        {
            case PhaseKind.AdmmPrune:
                foreach (var l in layers.Where(l => l.Prune is not null))
                {
                    HardProject(l, l.Prune!);
                    l.Mask = Support(l.Parameter.Value.AsSpan());
                    StopAdmm(l);
                }
                break;
            case PhaseKind.AdmmQuantize:
                foreach (var l in layers.Where(l => l.Quantize is not null))
                {
                    HardProject(l, l.Quantize!);
                    l.Frozen = l.Parameter.Value.ToArray();
                    StopAdmm(l);
                }
                break;
        }
    }

    private void StartAdmm(LayerState l, IWeightProjection projection)
    {
        l.Active = projection;
        var w = l.Parameter.Value.AsSpan();
        l.Z = new float[w.Length];
        projection.Project(w, l.Z);
        l.U = new float[w.Length];
        l.Rho = l.RhoSchedule(_policy).At(0);
    }

    private static void StopAdmm(LayerState l)
    {
        l.Active = null;
        l.Z = null;
        l.U = null;
    }

    private static void HardProject(LayerState l, IWeightProjection projection)
    {
        var w = l.Parameter.Value.AsSpan();
        projection.Project(w, w);
        if (l.Mask is { } mask) for (var i = 0; i < w.Length; i++) if (!mask[i]) w[i] = 0;
    }

    private static bool[] Support(ReadOnlySpan<float> w)
    {
        var mask = new bool[w.Length];
        for (var i = 0; i < w.Length; i++) mask[i] = w[i] != 0;
        return mask;
    }

    /// <summary>Quantization projections act on the survivors only: the pruning mask is frozen and zero is a level.</summary>
    private void BuildQuantizeProjections(List<LayerState> layers, bool activate)
    {
        foreach (var l in layers)
        {
            if (l.Quantize is null)
            {
                var mask = l.Mask ?? Enumerable.Repeat(true, l.Layout.Count).ToArray();
                if (l.Rule.Quantize is { } q)
                {
                    var path = $"{l.Rule.JsonPath}.quantize";
                    l.Quantize = new MaskedProjection(l.Layout, mask, layout => CreateProjection(q.Levels, layout, SettingsOf(q), path));
                }
                else if (l.Rule.Constraint is { Phase: "quantize" } c)
                {
                    // Plugin kinds may depend on positions, so they see the whole tensor; the mask is re-applied after.
                    var inner = CreateProjection(c.Kind, l.Layout, c.Settings ?? default, $"{l.Rule.JsonPath}.constraint");
                    l.Quantize = new MaskReapplyingProjection(inner, l.Mask);
                }
            }
            if (activate && l.Quantize is not null && l.Z is not null) l.Active = l.Quantize;
        }
    }

    private double KeepOf(LayerState l) => l.Rule.Prune?.Keep ?? 1;

    /// <summary>Iterations of the current ADMM pruning phase over which the keep fraction ramps (progressive ADMM).</summary>
    private int _rampIterations;

    /// <summary>The Z-step's set after <paramref name="completed"/> iterations: the target, or during the ramp the same
    /// structure at keep^((t+1)/(R+1)) — a pure function of the iteration, so a resumed run uses the same sets.</summary>
    private IWeightProjection PruneTargetAt(LayerState l, int completed) =>
        completed >= _rampIterations ? l.Prune! : IntermediatePrune(l, Math.Pow(KeepOf(l), (completed + 1.0) / (_rampIterations + 1)));

    /// <summary>The same structure at a looser keep fraction (magnitude baseline rounds); plugin and n:m kinds prune in one shot.</summary>
    private IWeightProjection IntermediatePrune(LayerState l, double keep)
    {
        if (l.Rule.Prune is not { } prune || prune.Structure == "n:m") return l.Prune!;
        var node = JsonNode.Parse(SettingsOf(prune).GetRawText())!.AsObject();
        node.Remove("ratio");
        node["keep"] = keep;
        return CreateProjection(prune.Structure, l.Layout, JsonSerializer.SerializeToElement(node), $"{l.Rule.JsonPath}.prune");
    }

    /// <summary>One ADMM iteration (Z-step, U-step, residuals, ρ update) or, outside ADMM phases, just a log record.</summary>
    private IterationRecord Iterate(Phase phase, List<LayerState> layers, Checkpoint state, double loss)
    {
        var record = new IterationRecord
        {
            Iteration = state.History.Count + 1, Phase = phase.Name, PhaseIteration = state.PhaseIteration, Batch = state.BatchInPhase, Loss = loss,
        };
        if (!phase.IsAdmm) return record;
        var allConverged = true;
        double maxPrimal = 0, maxDual = 0;
        foreach (var l in layers)
        {
            if (phase.Kind == PhaseKind.AdmmPrune && l.Active is not null) l.Active = PruneTargetAt(l, state.PhaseIteration);
            if (l.Active is not { } projection || l.Z is not { } z || l.U is not { } u) continue;
            var w = l.Parameter.Value.AsSpan();
            var previous = (float[])z.Clone();
            var v = new float[w.Length];
            for (var i = 0; i < w.Length; i++) v[i] = w[i] + u[i];
            projection.Project(v, z);
            double wNorm = 0, diff = 0, dz = 0;
            for (var i = 0; i < w.Length; i++)
            {
                u[i] += w[i] - z[i];
                wNorm += (double)w[i] * w[i];
                diff += ((double)w[i] - z[i]) * ((double)w[i] - z[i]);
                dz += ((double)z[i] - previous[i]) * ((double)z[i] - previous[i]);
            }
            wNorm = Math.Sqrt(wNorm);
            var primal = Math.Sqrt(diff) / Math.Max(wNorm, 1e-12);
            var dual = l.Rho * Math.Sqrt(dz);
            record.Layers.Add(new LayerResidual { Name = l.Name, Primal = primal, Dual = dual, Rho = l.Rho });
            maxPrimal = Math.Max(maxPrimal, primal);
            maxDual = Math.Max(maxDual, dual);
            if (primal > _policy.Schedule.Tolerance || dual / Math.Max(wNorm, 1e-12) > _policy.Schedule.Tolerance) allConverged = false;
            // U is the scaled dual (y/ρ): when ρ changes it must be rescaled, or the dual price ρU jumps with ρ
            // (Boyd et al. 2011, §3.4.1) and drags W away from the loss minimum as ρ grows.
            var nextRho = l.RhoSchedule(_policy).At(state.PhaseIteration);
            if (nextRho != l.Rho)
            {
                var scale = (float)(l.Rho / nextRho);
                for (var i = 0; i < u.Length; i++) u[i] *= scale;
            }
            l.Rho = nextRho;
        }
        record.PrimalResidual = maxPrimal;
        record.DualResidual = maxDual;
        if (record.Layers.Count > 0 && allConverged) state.EarlyStopped = true;
        return record;
    }

    /// <summary>The engine settings that decide floating-point summation order.</summary>
    private static string ArithmeticSignature() =>
        $"GEMM {AdmmNn.Tensors.Kernels.Gemm.Backend}/{AdmmNn.Tensors.Kernels.Gemm.ManagedKernel} on {AdmmNn.Tensors.Kernels.Gemm.Threads} threads, {Workers.Threads} engine threads";

    private Optimizer CreateOptimizer(GraphModule module, double learningRate) => _policy.Schedule.Optimizer == "sgd"
        ? new Sgd(module.Parameters, learningRate, _policy.Schedule.Momentum)
        : new Adam(module.Parameters, learningRate);

    /// <summary>The data order of one epoch: a pure function of (seed, phase, epoch), so a resumed run sees the same batches.</summary>
    private static int[] Permutation(int count, int seed, int phase, int epoch)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        var rng = new Random(unchecked(seed * 1_000_003 + phase * 10_007 + epoch));
        for (var i = count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    // ---- checkpoints ----

    private string Fingerprint(CompressionMethod method, int seed, GraphModule module)
    {
        var text = new StringBuilder();
        text.Append(method).Append('|').Append(seed).Append('|').Append(JsonSerializer.Serialize(_policy, ResultJson.Options));
        foreach (var p in module.Parameters) text.Append('|').Append(p.Name).Append(':').Append(string.Join(",", p.Shape));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static Checkpoint Snapshot(Checkpoint state, GraphModule module, List<LayerState> layers, Optimizer? optimizer)
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

    // ---- the result ----

    private CompressionResult BuildResult(ModelGraph compressed, List<LayerState> layers, List<(Parameter Bias, IWeightProjection Projection)> biases, Checkpoint state, EvaluationResult final,
        CompressionOptions options, int[] sampleShape, bool resumed)
    {
        var positions = MacCounter.PositionsPerWeight(compressed, sampleShape);
        var result = new CompressionResult
        {
            Model = options.ModelName,
            Method = options.Method == CompressionMethod.Admm ? "admm" : "magnitude",
            Dataset = options.DatasetName,
            PolicyFile = options.PolicyPath,
            Policy = JsonSerializer.SerializeToElement(_policy, ResultJson.Options),
            Target = _policy.Hardware?.Target,
            BaselineAccuracy = state.BaselineAccuracy,
            BaselineLoss = state.BaselineLoss,
            FinalAccuracy = final.Accuracy,
            FinalLoss = final.Loss,
            AccuracyDrop = state.BaselineAccuracy - final.Accuracy,
            TestSamples = final.Count,
            Iterations = state.History,
            Phases = state.Phases,
            WallSeconds = state.ElapsedSeconds,
            Threads = Workers.Threads,
            Resumed = resumed,
            FinishedUtc = DateTime.UtcNow.ToString("O"),
        };
        foreach (var init in compressed.Initializers)
        {
            if (init.Floats is not { } values) continue;
            var shape = init.Dims.Select(d => (int)d).ToArray();
            var plan = StorageAccounting.Plan(values, shape);
            var nonZeros = values.Count(v => v != 0);
            var node = compressed.Nodes.Find(n => n.Inputs.Contains(init.Name));
            var isWeight = positions.ContainsKey(init.Name) && node?.Inputs.IndexOf(init.Name) == 1;
            var perWeight = positions.GetValueOrDefault(init.Name, 0);
            var layer = layers.Find(l => l.Name == init.Name);
            var biasProjection = biases.Find(b => b.Bias.Name == init.Name).Projection;
            var row = new LayerReport
            {
                Name = init.Name,
                OpType = node?.OpType ?? "",
                Role = isWeight ? "Weight" : node is not null && node.Inputs.IndexOf(init.Name) == 2 ? "Bias" : "Other",
                Shape = shape,
                Parameters = values.Length,
                NonZeros = nonZeros,
                Sparsity = values.Length == 0 ? 0 : 1 - (double)nonZeros / values.Length,
                PruningRatio = nonZeros == 0 ? double.PositiveInfinity : (double)values.Length / nonZeros,
                Bits = plan.CodeBits,
                IndexWidth = plan.IndexBits,
                FillerEntries = plan.FillerEntries,
                CodeBits = plan.CodeBitsTotal,
                IndexBits = plan.IndexBitsTotal,
                CodebookBits = plan.CodebookBits,
                TotalBits = plan.TotalBits,
                Encoding = plan.Encoding.ToString(),
                Constraint = layer is not null ? string.Join("; ", new[] { layer.Prune?.Describe(), layer.Quantize?.Describe() }.OfType<string>())
                    : biasProjection?.Describe() ?? "",
                MacsBefore = isWeight ? values.Length * perWeight : 0,
                MacsAfter = isWeight ? nonZeros * perWeight : 0,
            };
            result.Layers.Add(row);
            result.DenseParameters += values.Length;
            result.TotalBits += plan.TotalBits;
            result.CompressedBytes += plan.PayloadBytes;
            result.MacsBefore += row.MacsBefore;
            result.MacsAfter += row.MacsAfter;
            if (isWeight)
            {
                result.DenseWeights += values.Length;
                result.NonZeroWeights += nonZeros;
                result.WeightBits += plan.TotalBits;
            }
        }
        result.OriginalBytes = result.DenseParameters * sizeof(float);
        result.PruningRatio = result.NonZeroWeights == 0 ? double.PositiveInfinity : (double)result.DenseWeights / result.NonZeroWeights;
        result.WeightStorageRatio = result.WeightBits == 0 ? double.PositiveInfinity : 32.0 * result.DenseWeights / result.WeightBits;
        result.StorageRatio = result.TotalBits == 0 ? double.PositiveInfinity : 32.0 * result.DenseParameters / result.TotalBits;
        if (_policy.Gates.MaxAccuracyDrop is { } maxDrop)
            result.Gates.Add(new GateResult { Name = "maxAccuracyDrop", Limit = maxDrop, Actual = result.AccuracyDrop, Passed = result.AccuracyDrop <= maxDrop + 1e-12 });
        if (_policy.Gates.MinStorageRatio is { } minRatio)
            result.Gates.Add(new GateResult { Name = "minStorageRatio", Limit = minRatio, Actual = result.StorageRatio, Passed = result.StorageRatio >= minRatio });
        result.Passed = result.Gates.All(g => g.Passed);
        return result;
    }
}
