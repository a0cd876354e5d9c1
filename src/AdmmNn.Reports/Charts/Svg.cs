using System.Globalization;

namespace AdmmNn.Reports.Charts;

/// <summary>Small helpers for writing SVG text: invariant numbers and escaping.</summary>
public static class Svg
{
    /// <summary>A coordinate with at most two decimals, invariant culture.</summary>
    public static string Coordinate(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A value for labels: compact, with k/M suffixes for large magnitudes.</summary>
    public static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        if (double.IsInfinity(v)) return v > 0 ? "∞" : "-∞";
        var a = Math.Abs(v);
        if (a >= 1e6) return (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        if (a >= 1e4) return (v / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k";
        if (a >= 100 || a == 0) return v.ToString("0.#", CultureInfo.InvariantCulture);
        if (a >= 0.01) return v.ToString("0.###", CultureInfo.InvariantCulture);
        return v.ToString("0.##E+0", CultureInfo.InvariantCulture);
    }

    /// <summary>Escapes text for element content and attribute values (only the five markup characters; the page is UTF-8).</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
