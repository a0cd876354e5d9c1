namespace AdmmNn.Runtime.Format;

/// <summary>A storage plan together with the level table needed to encode values under it.</summary>
/// <param name="Plan">The chosen plan.</param>
/// <param name="Codebook">Distinct values in code order when <see cref="TensorStoragePlan.Levels"/> is Codebook, else empty.</param>
/// <param name="Scale">The scale when Levels is Scale, else 0.</param>
internal sealed record TensorEncodingChoice(TensorStoragePlan Plan, float[] Codebook, float Scale);
