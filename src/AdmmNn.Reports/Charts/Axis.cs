namespace AdmmNn.Reports.Charts;

/// <summary>A linear or logarithmic mapping from data values to pixels, with readable tick values.</summary>
public sealed class Axis
{
    private readonly double _min;
    private readonly double _max;
    private readonly double _pixelLow;
    private readonly double _pixelHigh;

    private Axis(double min, double max, bool log, double pixelLow, double pixelHigh, IReadOnlyList<double> ticks)
    {
        _min = min;
        _max = max;
        IsLog = log;
        _pixelLow = pixelLow;
        _pixelHigh = pixelHigh;
        Ticks = ticks;
    }

    /// <summary>True for a log10 axis.</summary>
    public bool IsLog { get; }

    /// <summary>Tick values inside the range.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>Lower end of the axis (data units).</summary>
    public double Min => _min;

    /// <summary>
    /// Fits an axis to <paramref name="values"/> (NaN and infinities ignored; for a log axis also values ≤ 0), mapping
    /// [min, max] onto [<paramref name="pixelLow"/>, <paramref name="pixelHigh"/>]. Linear axes start at zero when all
    /// values are positive, so bar lengths compare honestly.
    /// </summary>
    public static Axis Fit(IEnumerable<double> values, bool log, double pixelLow, double pixelHigh, (double Min, double Max)? fixedRange = null)
    {
        var finite = values.Where(v => double.IsFinite(v) && (!log || v > 0)).ToList();
        if (log)
        {
            var lo = finite.Count == 0 ? 1e-3 : finite.Min();
            var hi = finite.Count == 0 ? 1 : finite.Max();
            var minExp = Math.Floor(Math.Log10(lo));
            var maxExp = Math.Ceiling(Math.Log10(hi));
            if (maxExp <= minExp) maxExp = minExp + 1;
            var ticks = new List<double>();
            for (var e = minExp; e <= maxExp; e++) ticks.Add(Math.Pow(10, e));
            return new Axis(Math.Pow(10, minExp), Math.Pow(10, maxExp), true, pixelLow, pixelHigh, ticks);
        }
        double min, max;
        if (fixedRange is { } range)
        {
            (min, max) = range;
        }
        else
        {
            min = finite.Count == 0 ? 0 : Math.Min(0, finite.Min());
            max = finite.Count == 0 ? 1 : finite.Max();
            if (max <= min) max = min + 1;
        }
        var step = NiceStep((max - min) / 5);
        if (fixedRange is null)
        {
            min = Math.Floor(min / step) * step;
            max = Math.Ceiling(max / step) * step;
        }
        var list = new List<double>();
        for (var t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step) list.Add(Math.Round(t, 12));
        return new Axis(min, max, false, pixelLow, pixelHigh, list);
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="rough"/>.</summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough)) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        var nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * power;
    }

    /// <summary>Pixel position of <paramref name="value"/> (clamped to the axis).</summary>
    public double Map(double value)
    {
        double t;
        if (IsLog)
        {
            var v = Math.Clamp(value, _min, _max);
            t = (Math.Log10(v) - Math.Log10(_min)) / (Math.Log10(_max) - Math.Log10(_min));
        }
        else
        {
            t = (Math.Clamp(value, _min, _max) - _min) / (_max - _min);
        }
        return _pixelLow + t * (_pixelHigh - _pixelLow);
    }
}
