namespace AdmmNn.Data.Datasets;

/// <summary>The two IDX files of one split of a data set, as found by <see cref="DatasetLocator"/>.</summary>
/// <param name="Name">The data set's name (a known name, or the folder's name).</param>
/// <param name="Train">True for the training split, false for the test split.</param>
/// <param name="ImagesPath">The images file (idx3).</param>
/// <param name="LabelsPath">The labels file (idx1).</param>
public sealed record DatasetFiles(string Name, bool Train, string ImagesPath, string LabelsPath);
