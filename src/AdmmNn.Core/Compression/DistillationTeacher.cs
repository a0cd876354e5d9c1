using AdmmNn.Abstractions.Models;
using AdmmNn.Runtime.Preprocessing;

namespace AdmmNn.Core.Compression;

/// <summary>
/// The model named by <c>schedule.distillation.teacher</c>, loaded by the caller (the compression job loads it through the
/// model-format plugins): its graph, the file it came from (for messages) and the preprocessing its inputs get — its own
/// recorded scaling and normalization, which may differ from the student's (the geometry may not: both see the same
/// images at the same size).
/// </summary>
/// <param name="Graph">The teacher's graph; only its logits on the training set are used.</param>
/// <param name="Path">The file it was loaded from.</param>
/// <param name="Preprocessing">How its inputs are scaled and normalized.</param>
public sealed record DistillationTeacher(ModelGraph Graph, string Path, ImagePreprocessing Preprocessing);
