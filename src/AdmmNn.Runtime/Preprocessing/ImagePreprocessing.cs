using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Runtime.Preprocessing;

/// <summary>
/// Preprocessing declared once (the policy's <c>data</c> section or MSBuild metadata), recorded in the compressed model under
/// <see cref="MetadataKey"/>, and applied the same way by training, evaluation and <see cref="CompressedModel"/>.
/// Order: colour conversion, resize of the shorter side (bilinear), centre crop, C×H×W, v / <see cref="DivideBy"/>,
/// (v − mean) / std; for training only, padding + random crop and horizontal flip. The defaults are exactly
/// <c>pixel / 255</c>, the historical IDX preprocessing.
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>The model metadata key holding <see cref="ToJson"/>.</summary>
    public const string MetadataKey = "admmnn.preprocessing";

    /// <summary>The JSON fields this record reads and writes.</summary>
    public static IReadOnlyList<string> JsonFields { get; } =
        ["color", "resize", "centerCrop", "divideBy", "mean", "std", "randomCropPadding", "horizontalFlip"];

    /// <summary>pixel / 255 and nothing else.</summary>
    public static ImagePreprocessing Default { get; } = new();

    /// <summary>Channel conversion, first.</summary>
    public ColorMode Color { get; init; } = ColorMode.Keep;

    /// <summary>Resize so the shorter side has this length (bilinear); null keeps the size.</summary>
    public int? Resize { get; init; }

    /// <summary>Centre crop to this square size; null keeps the size.</summary>
    public int? CenterCrop { get; init; }

    /// <summary>Pixels are divided by this (255 maps bytes to 0..1; 1 for float data already scaled).</summary>
    public float DivideBy { get; init; } = 255f;

    /// <summary>Per-channel mean subtracted after the division (one value for all channels, or one per channel); empty = 0.</summary>
    public IReadOnlyList<float> Mean { get; init; } = [];

    /// <summary>Per-channel standard deviation divided by after the mean; empty = 1.</summary>
    public IReadOnlyList<float> Std { get; init; } = [];

    /// <summary>Training only: pad by this many pixels (value of a zero pixel) and crop back at a random offset; 0 = off.</summary>
    public int RandomCropPadding { get; init; }

    /// <summary>Training only: mirror left-right with probability ½.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>True when training applies random augmentation.</summary>
    public bool Augments => RandomCropPadding > 0 || HorizontalFlip;

    /// <summary>The C×H×W shape a stored sample of <paramref name="stored"/> becomes, or null when the stored size varies and nothing fixes it.</summary>
    public SampleShape? OutputShape(SampleShape? stored)
    {
        if (stored is null && CenterCrop is null) return null;
        var channels = Color switch { ColorMode.Grayscale => 1, ColorMode.Rgb => 3, _ => stored?.Channels ?? 0 };
        if (CenterCrop is { } crop) return channels == 0 ? null : new SampleShape(crop, crop, channels);
        var s = stored!.Value;
        var (h, w) = Resize is { } r ? ImageTransforms.ShorterSideSize(s.Height, s.Width, r) : (s.Height, s.Width);
        return new SampleShape(h, w, channels);
    }

    /// <summary>Colour, resize and centre crop of one H×W×C sample; byte sources stay whole numbers (as in a uint8 image).</summary>
    public (float[] Pixels, SampleShape Shape) Geometry(DatasetSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var isBytes = sample.Bytes is not null;
        var pixels = isBytes ? ImageTransforms.ToFloats(sample.Bytes) : sample.Floats!;
        var shape = sample.Shape;
        (pixels, shape) = ImageTransforms.ConvertColor(pixels, shape, Color, isBytes);
        if (Resize is { } r)
        {
            var (h, w) = ImageTransforms.ShorterSideSize(shape.Height, shape.Width, r);
            (pixels, shape) = ImageTransforms.ResizeBilinear(pixels, shape, h, w, isBytes);
        }

        if (CenterCrop is { } crop) (pixels, shape) = ImageTransforms.CenterCrop(pixels, shape, crop, crop);
        return (pixels, shape);
    }

    /// <summary>Scale and normalize an H×W×C sample into the model's C×H×W input.</summary>
    public void Normalize(ReadOnlySpan<float> hwc, SampleShape shape, Span<float> chw)
    {
        CheckChannels(shape.Channels);
        ImageTransforms.ToChwNormalized(hwc, shape, DivideBy, Mean.ToArray(), Std.ToArray(), chw);
    }

    /// <summary>The evaluation pipeline on one sample: <see cref="Geometry"/> then <see cref="Normalize"/>.</summary>
    public (float[] Input, SampleShape Shape) Prepare(DatasetSample sample)
    {
        var (hwc, shape) = Geometry(sample);
        var chw = new float[hwc.Length];
        Normalize(hwc, shape, chw);
        return (chw, shape);
    }

    /// <summary>What a zero pixel becomes per channel: the fill of the augmentation's padding.</summary>
    public float[] NormalizedZero(int channels)
    {
        var fill = new float[channels];
        var hwc = new float[channels];
        ImageTransforms.ToChwNormalized(hwc, new SampleShape(1, 1, channels), DivideBy, Mean.ToArray(), Std.ToArray(), fill);
        return fill;
    }

    /// <summary>Applies training augmentation to one normalized C×H×W sample in place, with the draw of (seed, epoch, index).</summary>
    public void Augment(Span<float> chw, int channels, int height, int width, int seed, int epoch, int sampleIndex)
    {
        if (!Augments) return;
        var draw = AugmentationDraw.For(seed, epoch, sampleIndex, RandomCropPadding, HorizontalFlip);
        ImageTransforms.Augment(chw, channels, height, width, RandomCropPadding, NormalizedZero(channels), draw);
    }

    /// <summary>Checks mean/std fit <paramref name="channels"/>.</summary>
    /// <exception cref="ArgumentException">Mean or std has another count than 1 or the channel count.</exception>
    public void CheckChannels(int channels)
    {
        foreach (var (name, values) in new[] { ("mean", Mean), ("std", Std) })
        {
            if (values.Count is not (0 or 1) && values.Count != channels)
                throw new ArgumentException($"{name} has {values.Count} values but the images have {channels} channel(s)");
        }
    }

    /// <summary>Compact JSON of the non-default fields (the defaults give "{}").</summary>
    public string ToJson()
    {
        var o = new JsonObject();
        if (Color != ColorMode.Keep) o["color"] = Color == ColorMode.Rgb ? "rgb" : "grayscale";
        if (Resize is { } r) o["resize"] = r;
        if (CenterCrop is { } c) o["centerCrop"] = c;
        if (DivideBy != 255f) o["divideBy"] = DivideBy;
        if (Mean.Count > 0) o["mean"] = new JsonArray(Mean.Select(v => (JsonNode)v).ToArray());
        if (Std.Count > 0) o["std"] = new JsonArray(Std.Select(v => (JsonNode)v).ToArray());
        if (RandomCropPadding > 0) o["randomCropPadding"] = RandomCropPadding;
        if (HorizontalFlip) o["horizontalFlip"] = true;
        return o.ToJsonString();
    }

    /// <summary>Parses <see cref="ToJson"/> output (or a policy's data section: unknown fields are the caller's to check).</summary>
    /// <exception cref="FormatException">A field has the wrong type or an impossible value; the message starts with the field's name.</exception>
    public static ImagePreprocessing FromJson(JsonElement o)
    {
        if (o.ValueKind != JsonValueKind.Object) throw new FormatException("preprocessing: expected a JSON object");
        var result = new ImagePreprocessing();
        if (o.TryGetProperty("color", out var color))
        {
            result = result with
            {
                Color = color.ValueKind == JsonValueKind.String ? color.GetString() switch
                {
                    "keep" => ColorMode.Keep,
                    "grayscale" or "gray" or "grey" => ColorMode.Grayscale,
                    "rgb" => ColorMode.Rgb,
                    var other => throw new FormatException($"color: '{other}' is not keep, grayscale or rgb"),
                } : throw new FormatException("color: expected \"keep\", \"grayscale\" or \"rgb\""),
            };
        }

        if (o.TryGetProperty("resize", out var resize)) result = result with { Resize = PositiveInt(resize, "resize") };
        if (o.TryGetProperty("centerCrop", out var crop)) result = result with { CenterCrop = PositiveInt(crop, "centerCrop") };
        if (o.TryGetProperty("divideBy", out var divide))
        {
            var d = Number(divide, "divideBy");
            if (!(d > 0) || float.IsInfinity(d)) throw new FormatException($"divideBy: {d.ToString(CultureInfo.InvariantCulture)} must be a positive number");
            result = result with { DivideBy = d };
        }

        if (o.TryGetProperty("mean", out var mean)) result = result with { Mean = Numbers(mean, "mean", positive: false) };
        if (o.TryGetProperty("std", out var std)) result = result with { Std = Numbers(std, "std", positive: true) };
        if (o.TryGetProperty("randomCropPadding", out var pad))
        {
            if (pad.ValueKind != JsonValueKind.Number || !pad.TryGetInt32(out var p) || p is < 0 or > 1024)
                throw new FormatException("randomCropPadding: expected an integer in 0..1024");
            result = result with { RandomCropPadding = p };
        }

        if (o.TryGetProperty("horizontalFlip", out var flip))
        {
            if (flip.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new FormatException("horizontalFlip: expected true or false");
            result = result with { HorizontalFlip = flip.GetBoolean() };
        }

        return result;
    }

    /// <summary>Parses a JSON string; see <see cref="FromJson(JsonElement)"/>.</summary>
    public static ImagePreprocessing FromJson(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return FromJson(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"preprocessing: not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>The preprocessing recorded in model metadata, or <see cref="Default"/> when none is.</summary>
    /// <exception cref="FormatException">The recorded value is malformed.</exception>
    public static ImagePreprocessing FromMetadata(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(MetadataKey, out var json) ? FromJson(json) : Default;

    /// <inheritdoc/>
    public bool Equals(ImagePreprocessing? other) => other is not null && ToJson() == other.ToJson();

    /// <inheritdoc/>
    public override int GetHashCode() => ToJson().GetHashCode(StringComparison.Ordinal);

    private static int PositiveInt(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var v) && v is > 0 and <= 65536
            ? v
            : throw new FormatException($"{field}: expected an integer in 1..65536");

    private static float Number(JsonElement e, string field) =>
        e.ValueKind == JsonValueKind.Number ? e.GetSingle() : throw new FormatException($"{field}: expected a number");

    private static float[] Numbers(JsonElement e, string field, bool positive)
    {
        var values = e.ValueKind switch
        {
            JsonValueKind.Number => [Number(e, field)],
            JsonValueKind.Array => e.EnumerateArray().Select(v => Number(v, field)).ToArray(),
            _ => throw new FormatException($"{field}: expected a number or an array of numbers (one per channel)"),
        };
        if (values.Length == 0) throw new FormatException($"{field}: the array is empty");
        if (values.Any(v => !float.IsFinite(v) || (positive && v <= 0)))
            throw new FormatException($"{field}: values must be finite{(positive ? " and positive" : "")}");
        return values;
    }
}
