namespace AdmmNn.Data.Datasets;

/// <summary>
/// No files were found for a data set name or folder. The message lists where the locator looked and says exactly
/// how to provide the files. Derives from <see cref="FileNotFoundException"/> so generic "missing input" handling applies.
/// </summary>
public sealed class DatasetNotFoundException(string message, string? fileName = null) : FileNotFoundException(message, fileName);
