using System.Text;
using System.Text.Json;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.Abstractions.Constraints;
using AdmmNn.Core.Constraints;
using AdmmNn.Core.Constraints.Kinds;

namespace AdmmNn.Core.Policy;

/// <summary>
/// Reads and validates policy JSON (comments and trailing commas allowed). Every problem is a
/// <see cref="PolicyException"/> naming the file, the line and the field's JSON path; unknown fields are errors so
/// typos do not silently fall back to defaults.
/// </summary>
public static class PolicyLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads a policy file.</summary>
    public static CompressionPolicy Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"policy file '{path}' not found", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses policy JSON; <paramref name="fileName"/> appears in messages.</summary>
    public static CompressionPolicy Parse(string json, string fileName = "policy.json")
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var problem = ex.Message;
            var cut = problem.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) problem = problem[..cut];
            throw new PolicyException(fileName, line, "", $"is not valid JSON: {problem}");
        }
        using (doc)
        {
            var locations = new JsonLocations(bytes);
            // JsonDocument keeps both values of a repeated key and the deserializer later takes one or crashes: refuse it here.
            if (locations.FirstDuplicate is { } duplicate)
                throw new PolicyException(fileName, duplicate.Line, duplicate.Path,
                    $"repeats key '{duplicate.Key}' (first given on line {duplicate.FirstLine}); give each key once");
            return new Reader(fileName, locations).ReadRoot(doc.RootElement);
        }
    }

    private sealed class Reader(string fileName, JsonLocations locations)
    {
        private PolicyException Fail(string path, string problem) => new(fileName, locations.LineOf(path), path, problem);

        private JsonElement Object(JsonElement e, string path, params string[] known)
        {
            if (e.ValueKind != JsonValueKind.Object) throw Fail(path, $"must be an object, got {Kind(e)}");
            if (known.Length == 0) return e;
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name.StartsWith('$')) continue; // "$schema", "$comment"
                if (!known.Contains(p.Name)) throw Fail(Join(path, p.Name), $"is not a known field (known: {string.Join(", ", known)})");
            }
            return e;
        }

        private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static bool TryGet(JsonElement obj, string name, out JsonElement value) =>
            obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

        private double Number(JsonElement obj, string path, string name, double fallback, Func<double, bool> valid, string range)
        {
            if (!TryGet(obj, name, out var v)) return fallback;
            var p = Join(path, name);
            if (v.ValueKind != JsonValueKind.Number) throw Fail(p, $"must be a number, got {Kind(v)}");
            var d = v.GetDouble();
            if (!valid(d) || double.IsNaN(d) || double.IsInfinity(d)) throw Fail(p, $"must be {range}, got {v.GetRawText()}");
            return d;
        }

        private int Int(JsonElement obj, string path, string name, int fallback, int min, int max)
        {
            if (!TryGet(obj, name, out var v)) return fallback;
            var p = Join(path, name);
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i)) throw Fail(p, $"must be an integer, got {v.GetRawText()}");
            if (i < min || i > max) throw Fail(p, $"must be in [{min},{max}], got {i}");
            return i;
        }

        private int? OptionalInt(JsonElement obj, string path, string name, int min, int max) =>
            TryGet(obj, name, out _) ? Int(obj, path, name, 0, min, max) : null;

        private string String(JsonElement obj, string path, string name, string fallback, IReadOnlyCollection<string>? allowed = null)
        {
            if (!TryGet(obj, name, out var v)) return fallback;
            var p = Join(path, name);
            if (v.ValueKind != JsonValueKind.String) throw Fail(p, $"must be a string, got {Kind(v)}");
            var s = v.GetString()!;
            if (allowed is not null && !allowed.Contains(s)) throw Fail(p, $"must be one of {string.Join(", ", allowed)}, got '{s}'");
            return s;
        }

        private bool Bool(JsonElement obj, string path, string name, bool fallback)
        {
            if (!TryGet(obj, name, out var v)) return fallback;
            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Fail(Join(path, name), $"must be true or false, got {Kind(v)}");
            return v.GetBoolean();
        }

        public CompressionPolicy ReadRoot(JsonElement root)
        {
            Object(root, "", "description", "seed", "deterministic", "layers", "schedule", "data", "gates", "hardware", "purify");
            var defaults = new CompressionPolicy();
            var description = String(root, "", "description", defaults.Description);
            var seed = Int(root, "", "seed", defaults.Seed, int.MinValue, int.MaxValue);
            var deterministic = Bool(root, "", "deterministic", defaults.Deterministic);
            bool? purify = TryGet(root, "purify", out _) ? Bool(root, "", "purify", false) : null;
            var schedule = TryGet(root, "schedule", out var scheduleJson) ? ReadSchedule(scheduleJson, "schedule") : defaults.Schedule;
            var data = defaults.Data;
            if (TryGet(root, "data", out var dataJson))
            {
                Object(dataJson, "data", ["trainSamples", "testSamples", "validationFraction", .. ImagePreprocessing.JsonFields]);
                ImagePreprocessing preprocessing;
                try
                {
                    preprocessing = ImagePreprocessing.FromJson(dataJson);
                }
                catch (FormatException ex)
                {
                    throw Fail("data." + ex.Message.Split(':')[0], ex.Message[(ex.Message.IndexOf(':') + 1)..].Trim());
                }

                data = new DataSelection
                {
                    TrainSamples = OptionalInt(dataJson, "data", "trainSamples", 1, int.MaxValue),
                    TestSamples = OptionalInt(dataJson, "data", "testSamples", 1, int.MaxValue),
                    ValidationFraction = TryGet(dataJson, "validationFraction", out _)
                        ? Number(dataJson, "data", "validationFraction", 0, v => v is >= 0 and < 1, "in [0, 1)")
                        : null,
                    Preprocessing = preprocessing,
                };
            }
            var gates = defaults.Gates;
            if (TryGet(root, "gates", out var gatesJson))
            {
                Object(gatesJson, "gates", "maxAccuracyDrop", "minStorageRatio");
                gates = new PolicyGates
                {
                    MaxAccuracyDrop = TryGet(gatesJson, "maxAccuracyDrop", out _) ? Number(gatesJson, "gates", "maxAccuracyDrop", 0, d => d >= 0 && d <= 1, "a fraction in [0,1] (0.01 = one percentage point)") : null,
                    MinStorageRatio = TryGet(gatesJson, "minStorageRatio", out _) ? Number(gatesJson, "gates", "minStorageRatio", 0, d => d >= 1, ">= 1") : null,
                };
            }
            HardwareTargetSpec? hardwareSpec = null;
            if (TryGet(root, "hardware", out var hardware))
            {
                Object(hardware, "hardware", "target", "profile", "belowBreakEven", "goal", "preferTargetConstraints", "margin", "maxCoarseRatio", "preserveOverallRatio");
                if (!TryGet(hardware, "target", out _)) throw Fail("hardware.target", "is required");
                var hardwareDefaults = new HardwareTargetSpec();
                hardwareSpec = new HardwareTargetSpec
                {
                    Target = String(hardware, "hardware", "target", ""),
                    Profile = TryGet(hardware, "profile", out var profile) ? profile.Clone() : null,
                    BelowBreakEven = Hardware.HardwareOptionNames.ParseBelowBreakEven(String(hardware, "hardware", "belowBreakEven",
                        Hardware.HardwareOptionNames.Name(hardwareDefaults.BelowBreakEven), Hardware.HardwareOptionNames.BelowBreakEvenNames.ToArray())),
                    Goal = Hardware.HardwareOptionNames.ParseGoal(String(hardware, "hardware", "goal",
                        Hardware.HardwareOptionNames.Name(hardwareDefaults.Goal), Hardware.HardwareOptionNames.GoalNames.ToArray())),
                    PreferTargetConstraints = Bool(hardware, "hardware", "preferTargetConstraints", hardwareDefaults.PreferTargetConstraints),
                    // Not 1: a raised layer would sit exactly at break-even, where measurement noise can tip it below.
                    Margin = Number(hardware, "hardware", "margin", hardwareDefaults.Margin, v => v > 1 && v <= 100, "in (1,100]"),
                    MaxCoarseRatio = Number(hardware, "hardware", "maxCoarseRatio", hardwareDefaults.MaxCoarseRatio, v => v >= 1, ">= 1"),
                    PreserveOverallRatio = Bool(hardware, "hardware", "preserveOverallRatio", hardwareDefaults.PreserveOverallRatio),
                };
            }
            if (!TryGet(root, "layers", out var layers)) throw Fail("layers", "is required: a list of {\"match\": glob, \"prune\"/\"quantize\"/\"constraint\": ...} rules");
            if (layers.ValueKind != JsonValueKind.Array) throw Fail("layers", $"must be an array, got {Kind(layers)}");
            var rules = new List<LayerRule>();
            foreach (var rule in layers.EnumerateArray()) rules.Add(ReadRule(rule, $"layers[{rules.Count}]", schedule.Rho));
            return new CompressionPolicy
            {
                Description = description,
                Seed = seed,
                Deterministic = deterministic,
                Layers = rules,
                Schedule = schedule,
                Data = data,
                Gates = gates,
                Hardware = hardwareSpec,
                Purify = purify,
                SourceFile = fileName,
                Locations = locations,
            };
        }

        private CompressionSchedule ReadSchedule(JsonElement s, string path)
        {
            Object(s, path, "batchSize", "maxBatchesPerEpoch", "optimizer", "momentum", "admmInterval", "tolerance", "monitorSamples", "magnitudeRounds", "admmRamp", "penaltyClipping", "removeDeadUnits", "rho",
                "distillation", "admmPrune", "retrain", "admmQuantize", "finetune");
            var d = new CompressionSchedule();
            var scheduleRho = TryGet(s, "rho", out var rho) ? ReadRho(rho, Join(path, "rho"), d.Rho) : d.Rho;
            return new CompressionSchedule
            {
                BatchSize = Int(s, path, "batchSize", d.BatchSize, 1, 65536),
                MaxBatchesPerEpoch = OptionalInt(s, path, "maxBatchesPerEpoch", 1, int.MaxValue),
                Optimizer = String(s, path, "optimizer", d.Optimizer, ["adam", "sgd"]),
                Momentum = Number(s, path, "momentum", d.Momentum, v => v >= 0 && v < 1, "in [0,1)"),
                AdmmInterval = Int(s, path, "admmInterval", d.AdmmInterval, 1, int.MaxValue),
                Tolerance = Number(s, path, "tolerance", d.Tolerance, v => v >= 0, ">= 0"),
                MonitorSamples = Int(s, path, "monitorSamples", d.MonitorSamples, 0, int.MaxValue),
                MagnitudeRounds = Int(s, path, "magnitudeRounds", d.MagnitudeRounds, 1, 100),
                AdmmRamp = Number(s, path, "admmRamp", d.AdmmRamp, v => v >= 0 && v <= 1, "in [0,1]"),
                PenaltyClipping = Number(s, path, "penaltyClipping", d.PenaltyClipping, v => v >= 0 && v <= 100, "in [0,100] (0 = off)"),
                RemoveDeadUnits = Bool(s, path, "removeDeadUnits", d.RemoveDeadUnits),
                Rho = scheduleRho,
                Distillation = TryGet(s, "distillation", out var distillation) ? ReadDistillation(distillation, Join(path, "distillation")) : null,
                AdmmPrune = ReadPhase(s, path, "admmPrune", d.AdmmPrune, rhoFallback: scheduleRho),
                Retrain = ReadPhase(s, path, "retrain", d.Retrain),
                AdmmQuantize = ReadPhase(s, path, "admmQuantize", d.AdmmQuantize, rhoFallback: scheduleRho),
                Finetune = ReadPhase(s, path, "finetune", d.Finetune),
            };
        }

        /// <param name="rhoFallback">The schedule's ρ, for the fields an ADMM phase's own <c>rho</c> leaves out; null for
        /// phases without ADMM, where <c>rho</c> is an error.</param>
        private PhaseSchedule ReadPhase(JsonElement s, string path, string name, PhaseSchedule fallback, RhoSchedule? rhoFallback = null)
        {
            if (!TryGet(s, name, out var e)) return fallback;
            var p = Join(path, name);
            Object(e, p, "epochs", "learningRate", "decay", "finalLearningRate", "rho");
            RhoSchedule? phaseRho = null;
            if (TryGet(e, "rho", out var rhoJson))
            {
                if (rhoFallback is null) throw Fail(Join(p, "rho"), "applies to the ADMM phases (admmPrune, admmQuantize) only; this phase has no penalty");
                phaseRho = ReadRho(rhoJson, Join(p, "rho"), rhoFallback);
            }
            var phase = new PhaseSchedule
            {
                Epochs = Number(e, p, "epochs", fallback.Epochs, v => v >= 0 && v <= 10000, "in [0,10000]"),
                LearningRate = Number(e, p, "learningRate", fallback.LearningRate, v => v > 0 && v <= 10, "in (0,10]"),
                Decay = String(e, p, "decay", fallback.Decay, ["constant", "cosine"]),
                FinalLearningRate = Number(e, p, "finalLearningRate", fallback.FinalLearningRate, v => v >= 0 && v <= 10, "in [0,10]"),
                Rho = phaseRho,
            };
            if (phase.FinalLearningRate > phase.LearningRate)
                throw Fail(Join(p, "finalLearningRate"), $"must be <= learningRate ({phase.LearningRate}), got {phase.FinalLearningRate}");
            if (phase.Decay == "constant" && TryGet(e, "finalLearningRate", out _))
                throw Fail(Join(p, "finalLearningRate"), "only applies with \"decay\": \"cosine\"");
            return phase;
        }

        private DistillationSettings ReadDistillation(JsonElement e, string path)
        {
            Object(e, path, "weight", "temperature", "teacher");
            var d = new DistillationSettings();
            return new DistillationSettings
            {
                Weight = Number(e, path, "weight", d.Weight, v => v >= 0 && v <= 1, "in [0,1]"),
                Temperature = Number(e, path, "temperature", d.Temperature, v => v > 0 && v <= 100, "in (0,100]"),
                Teacher = TryGet(e, "teacher", out _) ? ReadTeacherPath(e, path) : null,
            };
        }

        /// <summary>The teacher model's path, resolved against the policy file's folder; the file must exist.</summary>
        private string ReadTeacherPath(JsonElement e, string path)
        {
            var text = String(e, path, "teacher", "");
            var p = Join(path, "teacher");
            if (text.Trim().Length == 0) throw Fail(p, "must name a model file (a path relative to the policy file), got an empty string");
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? ".", text));
            if (!File.Exists(resolved)) throw Fail(p, $"model file '{resolved}' not found (a relative path is relative to the policy file's folder)");
            return resolved;
        }

        private RhoSchedule ReadRho(JsonElement e, string path, RhoSchedule fallback)
        {
            Object(e, path, "initial", "multiplier", "max");
            var r = new RhoSchedule
            {
                Initial = Number(e, path, "initial", fallback.Initial, v => v > 0, "> 0"),
                Multiplier = Number(e, path, "multiplier", fallback.Multiplier, v => v >= 1, ">= 1"),
                Max = Number(e, path, "max", fallback.Max, v => v > 0, "> 0"),
            };
            if (r.Max < r.Initial) throw Fail(Join(path, "max"), $"must be >= initial ({r.Initial}), got {r.Max}");
            return r;
        }

        private LayerRule ReadRule(JsonElement e, string path, RhoSchedule scheduleRho)
        {
            Object(e, path, "match", "prune", "quantize", "bias", "constraint", "rho");
            if (!TryGet(e, "match", out _)) throw Fail(Join(path, "match"), "is required (a glob over weight names, e.g. \"conv*.weight\")");
            var match = String(e, path, "match", "*");
            var prune = TryGet(e, "prune", out var pruneJson) ? ReadPrune(pruneJson, Join(path, "prune")) : null;
            var quantize = TryGet(e, "quantize", out var quantizeJson) ? ReadQuantize(quantizeJson, Join(path, "quantize")) : null;
            QuantizeRule? bias = null;
            if (TryGet(e, "bias", out var biasJson))
            {
                bias = ReadQuantize(biasJson, Join(path, "bias"));
                if (bias.Levels != "uniform") throw Fail(Join(Join(path, "bias"), "levels"), $"biases take uniform levels only, got '{bias.Levels}'");
            }
            var constraint = TryGet(e, "constraint", out var constraintJson) ? ReadConstraint(constraintJson, Join(path, "constraint")) : null;
            var rule = new LayerRule
            {
                JsonPath = path,
                Match = match,
                Prune = prune,
                Quantize = quantize,
                Bias = bias,
                Constraint = constraint,
                Rho = TryGet(e, "rho", out var rho) ? ReadRho(rho, Join(path, "rho"), scheduleRho) : null,
            };
            if (rule.Prune is null && rule.Quantize is null && rule.Constraint is null)
                throw Fail(path, "needs at least one of prune, quantize, constraint");
            if (rule.Prune is { Structure: PeTernaryKind.KindName } && rule.Quantize is not null)
                throw Fail(Join(path, "quantize"), $"cannot be combined with prune.structure '{PeTernaryKind.KindName}', which already makes the kept groups ternary; remove quantize");
            if (rule.Constraint is not null && (rule.Constraint.Phase == "prune" ? rule.Prune is not null : rule.Quantize is not null))
                throw Fail(Join(path, "constraint"), $"cannot be combined with {rule.Constraint.Phase} in the same rule (both would constrain the {rule.Constraint.Phase} phase)");
            return rule;
        }

        private PruneRule ReadPrune(JsonElement e, string path)
        {
            Object(e, path, "keep", "ratio", "structure", "rows", "cols", "n", "m", "alpha");
            var structure = String(e, path, "structure", "unstructured", ConstraintKindRegistry.SparsityKinds.ToArray());
            if (structure != PeTernaryKind.KindName && TryGet(e, "alpha", out _))
                throw Fail(Join(path, "alpha"), $"applies to structure '{PeTernaryKind.KindName}' only, not '{structure}'");
            if (structure != "n:m" && !TryGet(e, "keep", out _) && !TryGet(e, "ratio", out _))
                throw Fail(path, "needs keep (fraction kept, in (0,1]) or ratio (pruning ratio, >= 1)");
            Validate(structure, e, path, new WeightLayout("probe", "Conv", [4096, 4096, 1, 1]));
            double keep;
            if (structure == "n:m") keep = (double)Int(e, path, "n", 1, 1, 1024) / Int(e, path, "m", 1, 1, 1024);
            else keep = SettingsReader.KeepFraction(e);
            return new PruneRule { Structure = structure, Keep = keep, Settings = e.Clone() };
        }

        private QuantizeRule ReadQuantize(JsonElement e, string path)
        {
            Object(e, path, "bits", "levels");
            var levels = String(e, path, "levels", "uniform", ConstraintKindRegistry.LevelKinds.ToArray());
            if (levels is "uniform" or "pow2" && !TryGet(e, "bits", out _)) throw Fail(Join(path, "bits"), $"is required for {levels} levels");
            Validate(levels, e, path, new WeightLayout("probe", "Gemm", [16, 16]));
            var bits = levels switch { "ternary" => 2, "binary" => 1, _ => Int(e, path, "bits", 3, 1, 32) };
            return new QuantizeRule { Levels = levels, Bits = bits, Settings = e.Clone() };
        }

        private ConstraintRule ReadConstraint(JsonElement e, string path)
        {
            Object(e, path);
            if (!TryGet(e, "kind", out _)) throw Fail(Join(path, "kind"), "is required");
            return new ConstraintRule
            {
                Kind = String(e, path, "kind", ""),
                Phase = String(e, path, "phase", "prune", ["prune", "quantize"]),
                Settings = e.Clone(),
            };
        }

        /// <summary>Lets a built-in kind check its own settings now, so errors point at the policy line at load time.</summary>
        private void Validate(string kind, JsonElement settings, string path, WeightLayout probe)
        {
            try
            {
                ConstraintKindRegistry.BuiltIn.First(k => k.Name == kind).Create(probe, settings);
            }
            catch (ConstraintSettingsException ex)
            {
                throw Fail(Join(path, ex.Field), ex.Message.StartsWith(ex.Field + ": ", StringComparison.Ordinal) ? ex.Message[(ex.Field.Length + 2)..] : ex.Message);
            }
        }
    }
}
