using AdmmNn.Abstractions.Datasets;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Hardware;
using AdmmNn.Abstractions.Models;
using AdmmNn.Core.Compression.Purification;
using AdmmNn.Core.Hardware;
using AdmmNn.Core.Models;
using AdmmNn.Core.Policy;
using AdmmNn.Data.Datasets;
using AdmmNn.Data.Idx;
using AdmmNn.Diagnostics;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Core.Compression.Job;

/// <summary>
/// The whole compression of one model, the same for every caller (the <c>compress</c> verb, and through it the MSBuild
/// task; tests): policy, model and data loaded through the request's plugins, the hardware-aware plan for a target, the
/// compressor with the plugins' constraint kinds, the structure metadata, the hardware comparison and the gates.
/// Bad input is a <see cref="DiagnosticException"/> naming the file (and line) at fault.
/// </summary>
public static class CompressionJob
{
    /// <summary>Runs <paramref name="request"/>. Writes nothing but checkpoints: the caller saves the outcome.</summary>
    public static CompressionJobOutcome Run(CompressionRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Resume && request.CheckpointDirectory is null)
            throw DiagnosticException.Error(DiagnosticCodes.BadInput, "resuming needs the checkpoint directory of the run to continue");
        if (request.MaxAccuracyDrop is { } limit && !(limit >= 0 && limit <= 1))
            throw DiagnosticException.Error(DiagnosticCodes.BadInput, $"the accuracy-drop limit must be a fraction in [0,1], got {limit}");
        var policy = LoadPolicy(request);
        var graph = LoadModel(request);
        var preprocessing = RecordedPreprocessing.Choose(policy.Data.Preprocessing, graph, request.ModelPath);
        using var streamed = request.InMemoryData ? null : ReadingData(() => DataSource.TryStream(request.Data, preprocessing,
            policy.Data.ValidationFraction, request.Seed ?? policy.Seed, request.Plugins.DatasetFormats));
        var data = streamed is null ? LoadData(request, policy, preprocessing) : null;
        int[] sampleShape = streamed is { Shape: var s }
            ? [s.Channels, s.Height, s.Width]
            : [data!.Train.Channels, data.Train.Height, data.Train.Width];
        var hardware = policy.Hardware is { Target.Length: > 0 } spec ? PlanForTarget(request, spec, graph, sampleShape, ref policy) : null;

        var method = request.Method == CompressionMethod.Magnitude ? "magnitude" : "admm";
        var validationCount = streamed is null ? data!.Validation?.Count : streamed.Validation?.Count;
        var validationText = validationCount is { } v ? $" / {v} validation" : "";
        var (trainCount, testCount) = streamed is null ? (data!.Train.Count, data.Test.Count) : (streamed.Train.Count, streamed.Test.Count);
        request.Log?.Invoke($"compress {Path.GetFileName(request.ModelPath)} with {request.PolicyPath} ({method}), {trainCount} training{validationText} / {testCount} test images" +
            (streamed is null ? "" : " (streamed)"));
        var options = new CompressionOptions
        {
            Method = request.Method,
            CheckpointDirectory = request.CheckpointDirectory,
            Resume = request.Resume,
            Seed = request.Seed,
            ModelName = Path.GetFileName(request.ModelPath),
            DatasetName = streamed is null ? data!.Train.Name : streamed.NameOf(streamed.Train),
            PolicyPath = request.PolicyPath,
            SampleShape = sampleShape,
            Progress = request.Progress,
            Validation = data?.Validation,
            SplitOrigins = streamed?.Origins ?? data!.Origins,
            Teacher = LoadTeacher(request, policy, preprocessing),
        };
        var compressor = new Compressor(policy, request.Plugins.CreateConstraintKinds());
        var outcome = streamed is null
            ? compressor.Run(graph, data!.Train, data.Test, options, cancellation)
            : RunStreamed(compressor, graph, streamed, options, cancellation);
        // Record the structure each weight was pruned with (the adjusted policy's, with a target): quantization can zero
        // weights inside kept blocks, so `analyze` (and the analysis below) would misread block-pruned layers from the zeros.
        StructureMetadata.Write(outcome.Model, StructureMetadata.FromPolicy(policy, outcome.Model));
        var model = policy.PurifiesAfterCompression ? Purify(request, outcome, sampleShape) : outcome.Model;
        if (hardware is { } hw)
            outcome.Result.Hardware = HardwareComparison.ToJson(hw.Before,
                BreakEvenAnalyzer.Analyze(hw.Target, hw.Plan.AsDeployed(BreakEvenAnalyzer.Workloads(model, sampleShape))), hw.Plan, hw.Options);
        var gates = outcome.Result.Gates.Where(g => !g.Passed)
            .Select(g => Gates.ToDiagnostic(g, g.Name == Gates.MaxAccuracyDrop && request.MaxAccuracyDrop is not null ? null : policy))
            .ToList();
        return new CompressionJobOutcome(model, outcome.Result, policy, hardware?.Plan, gates);
    }

    /// <summary>
    /// Post-step: removes the empty filters, their BatchNorm channels and the channels nothing reads, so the saved model is
    /// physically smaller; records what went and the purified model's test accuracy (which should equal the final one).
    /// </summary>
    private static ModelGraph Purify(CompressionRequest request, CompressionOutcome outcome, int[] sampleShape)
    {
        var (purified, report) = Purifier.Purify(outcome.Model, sampleShape);
        // On the same test samples as the final accuracy, streamed or in memory, so the two figures compare.
        report.Accuracy = outcome.TestAccuracy?.Invoke(purified) ?? double.NaN;
        outcome.Result.Purification = report;
        request.Log?.Invoke($"purification: {report.FiltersRemoved} filters and {report.ChannelsRemoved} input channels removed " +
            $"({report.EmptyFilters} empty filters, {report.EmptyFiltersKept} kept), {report.ParametersBefore} -> {report.ParametersAfter} parameters, " +
            $"dense MACs {report.DenseMacsBefore} -> {report.DenseMacsAfter}, test accuracy {report.Accuracy:P2}");
        return purified;
    }

    private sealed record TargetPlan(IHardwareTarget Target, HardwareAnalysis Before, HardwareAwarePlan Plan, HardwareAwareOptions Options);

    private static CompressionPolicy LoadPolicy(CompressionRequest request)
    {
        if (!File.Exists(request.PolicyPath))
            throw DiagnosticException.Error(DiagnosticCodes.Policy, "policy file not found", request.PolicyPath);
        var policy = PolicyLoader.Load(request.PolicyPath);
        // The request names the target; how to adapt to it (belowBreakEven, goal, ...) stays the policy's.
        if (request.Target is { } t) policy = policy with { Hardware = policy.Hardware?.WithTarget(t) ?? new HardwareTargetSpec { Target = t } };
        if (request.MaxAccuracyDrop is { } drop) policy = policy with { Gates = policy.Gates with { MaxAccuracyDrop = drop } };
        if (request.Preprocessing is { } preprocessing) policy = policy with { Data = policy.Data with { Preprocessing = preprocessing } };
        return policy;
    }

    private static ModelGraph LoadModel(CompressionRequest request)
    {
        try
        {
            return request.Plugins.Models.Load(request.ModelPath);
        }
        catch (Exception ex) when (ex is ModelFormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Model, WithoutPrefix(ex.Message, request.ModelPath), request.ModelPath, inner: ex);
        }
    }

    /// <summary>
    /// The model <c>schedule.distillation.teacher</c> names (null when there is none), with its own recorded preprocessing
    /// (else the run's); an unreadable file is a policy error naming the field and the file.
    /// </summary>
    private static DistillationTeacher? LoadTeacher(CompressionRequest request, CompressionPolicy policy, AdmmNn.Runtime.Preprocessing.ImagePreprocessing runPreprocessing)
    {
        if (policy.Schedule.Distillation?.Teacher is not { } path) return null;
        ModelGraph graph;
        try
        {
            graph = request.Plugins.Models.Load(path);
        }
        catch (Exception ex) when (ex is ModelFormatException or FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            throw policy.Error("schedule.distillation.teacher", $"'{path}' cannot be loaded: {WithoutPrefix(ex.Message, path)}");
        }
        var preprocessing = graph.Metadata.ContainsKey(AdmmNn.Runtime.Preprocessing.ImagePreprocessing.MetadataKey)
            ? RecordedPreprocessing.Of(graph, path)
            : runPreprocessing;
        request.Log?.Invoke($"distillation teacher: {path}");
        return new DistillationTeacher(graph, path, preprocessing);
    }

    /// <summary>
    /// The train, validation and test splits, preprocessed as declared once: the policy's <c>data</c> section, else what the
    /// model records it was trained with.
    /// </summary>
    private static LoadedData LoadData(CompressionRequest request, CompressionPolicy policy, AdmmNn.Runtime.Preprocessing.ImagePreprocessing preprocessing) =>
        ReadingData(() => DataSource.Load(request.Data, request.DataSearchFolder, preprocessing, policy.Data.ValidationFraction,
            request.Seed ?? policy.Seed, request.Plugins.DatasetFormats));

    /// <summary>Runs on streamed splits: a sample found unusable while streaming is one diagnostic naming the file, as when loading up front.</summary>
    private static CompressionOutcome RunStreamed(Compressor compressor, ModelGraph graph, StreamedData data, CompressionOptions options, CancellationToken cancellation)
    {
        try
        {
            return compressor.Run(graph, data, options, cancellation);
        }
        catch (DatasetFormatException ex)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Data, ex.Index is { } i ? $"[{i}]: {ex.Problem}" : ex.Problem, ex.FilePath, inner: ex);
        }
    }

    /// <summary>Runs <paramref name="read"/>, turning unusable data (found up front, or while streaming) into one diagnostic naming the file.</summary>
    private static T ReadingData<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataFileException ex)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Data, ex.Problem, ex.FilePath, inner: ex);
        }
        catch (DatasetFormatException ex)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Data, ex.Index is { } i ? $"[{i}]: {ex.Problem}" : ex.Problem, ex.FilePath, inner: ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DiagnosticException.Error(DiagnosticCodes.Data, ex.Message, inner: ex);
        }
    }

    /// <summary>
    /// Hardware-aware step: rewrites the policy so that layers below the target's break-even pruning ratio stay dense (or
    /// are raised above it) in the target's preferred constraint shape, computation first; logs each decision.
    /// </summary>
    private static TargetPlan PlanForTarget(CompressionRequest request, HardwareTargetSpec spec, ModelGraph graph, int[] sampleShape, ref CompressionPolicy policy)
    {
        var factory = request.Plugins.FindTarget(spec.Target);
        IHardwareTarget target;
        try
        {
            target = factory.Create(spec.Profile);
        }
        catch (ArgumentException ex)
        {
            throw policy.Error("hardware.profile", ex.Message);
        }
        var before = BreakEvenAnalyzer.Analyze(target, graph, sampleShape);
        var options = spec.ToOptions();
        // PE-wise groups take the target's PE geometry (the FPGA profile's blockSize) unless the policy gives their shape.
        if (PeGeometry.FromProfile(PeGeometry.EffectiveProfile(factory.DefaultProfileJson, spec.Profile)) is { } pe)
        {
            policy = pe.ApplyTo(policy);
            options = options with { BlockRows = pe.Rows, BlockColumns = pe.Columns };
            request.Log?.Invoke($"target {target.Name}: PE groups of {pe.Rows}x{pe.Columns} weights (profile blockSize)");
        }
        policy = HardwareAwarePolicies.Adjust(policy, graph, sampleShape, target, options, out var plan);
        request.Log?.Invoke($"target {target.Name}: requested {Number(plan.RequestedOverallRatio)}x overall, adjusted {Number(plan.AdjustedOverallRatio)}x " +
            $"(below break-even: {HardwareOptionNames.Name(options.BelowBreakEven)}, goal: {HardwareOptionNames.Name(options.Goal)})");
        foreach (var decision in plan.Layers) request.Log?.Invoke($"  {decision.LayerName}: {decision.Reason}");
        return new TargetPlan(target, before, plan, options);
    }

    private static string WithoutPrefix(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;

    private static string Number(double v) => v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
