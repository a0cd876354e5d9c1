using System;
using System.Globalization;

namespace AdmmNn.Build.Tasks;

/// <summary>Parses sizes written in project files: <c>60000</c>, <c>60KB</c>, <c>58.6KiB</c>, <c>1MB</c>.</summary>
internal static class ByteSize
{
    /// <summary>Parses <paramref name="text"/>; false when it is not a non-negative size.</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var s = text.Trim();
        long unit = 1;
        foreach (var (suffix, factor) in new (string, long)[] { ("KiB", 1024), ("MiB", 1024 * 1024), ("KB", 1000), ("MB", 1000 * 1000), ("B", 1) })
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = factor;
                s = s.Substring(0, s.Length - suffix.Length).Trim();
                break;
            }
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || double.IsInfinity(value))
            return false;
        bytes = (long)Math.Floor(value * unit);
        return true;
    }
}
