using AdmmNn.Abstractions.Datasets;

namespace AdmmNn.Runtime.Preprocessing;

/// <summary>
/// The preprocessing steps as pure functions on pixel arrays. Geometric steps work on interleaved H×W×C floats (exact for
/// byte pixels); <see cref="ToChwNormalized"/> produces the model's C×H×W input; augmentation works on C×H×W.
/// </summary>
public static class ImageTransforms
{
    /// <summary>Bytes to floats, exactly.</summary>
    public static float[] ToFloats(ReadOnlySpan<byte> pixels)
    {
        var result = new float[pixels.Length];
        for (var i = 0; i < result.Length; i++) result[i] = pixels[i];
        return result;
    }

    /// <summary>Converts the channel count: grey to RGB replicates; RGB to grey uses PIL's integer luma (rounded for byte sources).</summary>
    public static (float[] Pixels, SampleShape Shape) ConvertColor(float[] hwc, SampleShape shape, ColorMode mode, bool bytePixels)
    {
        if (mode == ColorMode.Keep) return (hwc, shape);
        if (mode == ColorMode.Rgb)
        {
            if (shape.Channels == 3) return (hwc, shape);
            if (shape.Channels != 1) throw new ArgumentException($"cannot convert {shape.Channels} channels to RGB");
            var rgb = new float[hwc.Length * 3];
            for (var i = 0; i < hwc.Length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = hwc[i];
            return (rgb, shape with { Channels = 3 });
        }

        if (shape.Channels == 1) return (hwc, shape);
        if (shape.Channels != 3) throw new ArgumentException($"cannot convert {shape.Channels} channels to grayscale");
        var grey = new float[shape.Height * shape.Width];
        for (var i = 0; i < grey.Length; i++)
        {
            var l = (hwc[3 * i] * 299f + hwc[3 * i + 1] * 587f + hwc[3 * i + 2] * 114f) / 1000f;
            grey[i] = bytePixels ? MathF.Floor(l + 0.5f) : l;
        }

        return (grey, shape with { Channels = 1 });
    }

    /// <summary>The size after resizing the shorter side to <paramref name="shorter"/>, keeping the aspect ratio (the longer side rounded down, as torchvision).</summary>
    public static (int Height, int Width) ShorterSideSize(int height, int width, int shorter) =>
        height <= width
            ? (shorter, Math.Max(1, (int)((long)shorter * width / height)))
            : (Math.Max(1, (int)((long)shorter * height / width)), shorter);

    /// <summary>
    /// Bilinear resize to <paramref name="height"/>×<paramref name="width"/> with half-pixel centres and clamped edges (as
    /// <c>torch.nn.functional.interpolate(mode="bilinear", align_corners=False)</c>, no antialiasing). Byte sources are rounded
    /// back to whole values, as resizing a uint8 image does.
    /// </summary>
    public static (float[] Pixels, SampleShape Shape) ResizeBilinear(float[] hwc, SampleShape shape, int height, int width, bool bytePixels)
    {
        if (height == shape.Height && width == shape.Width) return (hwc, shape);
        int c = shape.Channels;
        var result = new float[height * width * c];
        var sy = (float)shape.Height / height;
        var sx = (float)shape.Width / width;
        for (var y = 0; y < height; y++)
        {
            var fy = Math.Max(0f, (y + 0.5f) * sy - 0.5f);
            var y0 = Math.Min((int)fy, shape.Height - 1);
            var y1 = Math.Min(y0 + 1, shape.Height - 1);
            var wy = fy - y0;
            for (var x = 0; x < width; x++)
            {
                var fx = Math.Max(0f, (x + 0.5f) * sx - 0.5f);
                var x0 = Math.Min((int)fx, shape.Width - 1);
                var x1 = Math.Min(x0 + 1, shape.Width - 1);
                var wx = fx - x0;
                for (var k = 0; k < c; k++)
                {
                    var top = hwc[(y0 * shape.Width + x0) * c + k] * (1 - wx) + hwc[(y0 * shape.Width + x1) * c + k] * wx;
                    var bottom = hwc[(y1 * shape.Width + x0) * c + k] * (1 - wx) + hwc[(y1 * shape.Width + x1) * c + k] * wx;
                    var v = top * (1 - wy) + bottom * wy;
                    result[(y * width + x) * c + k] = bytePixels ? Math.Clamp(MathF.Floor(v + 0.5f), 0f, 255f) : v;
                }
            }
        }

        return (result, new SampleShape(height, width, c));
    }

    /// <summary>The centre <paramref name="height"/>×<paramref name="width"/> window (top-left at ⌊(H−h)/2⌋, ⌊(W−w)/2⌋, as torchvision rounds).</summary>
    /// <exception cref="ArgumentException">The image is smaller than the crop.</exception>
    public static (float[] Pixels, SampleShape Shape) CenterCrop(float[] hwc, SampleShape shape, int height, int width)
    {
        if (height == shape.Height && width == shape.Width) return (hwc, shape);
        if (height > shape.Height || width > shape.Width)
            throw new ArgumentException($"image {shape.Height}x{shape.Width} is smaller than the centre crop {height}x{width}");
        var top = (int)Math.Round((shape.Height - height) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((shape.Width - width) / 2.0, MidpointRounding.ToEven);
        int c = shape.Channels;
        var result = new float[height * width * c];
        for (var y = 0; y < height; y++)
            hwc.AsSpan(((top + y) * shape.Width + left) * c, width * c).CopyTo(result.AsSpan(y * width * c));
        return (result, new SampleShape(height, width, c));
    }

    /// <summary>
    /// H×W×C to C×H×W with each value v → (v / <paramref name="divideBy"/> − mean[c]) / std[c]. With mean 0 and std 1 this is
    /// exactly v / divideBy (the historical <c>pixel / 255f</c>, bit for bit).
    /// </summary>
    public static void ToChwNormalized(ReadOnlySpan<float> hwc, SampleShape shape, float divideBy, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> chw)
    {
        int c = shape.Channels, plane = shape.Height * shape.Width;
        if (chw.Length != hwc.Length) throw new ArgumentException("output size differs from input size");
        for (var k = 0; k < c; k++)
        {
            var m = mean.IsEmpty ? 0f : mean[mean.Length == 1 ? 0 : k];
            var s = std.IsEmpty ? 1f : std[std.Length == 1 ? 0 : k];
            var plain = m == 0f && s == 1f;
            var output = chw.Slice(k * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                var v = hwc[i * c + k] / divideBy;
                output[i] = plain ? v : (v - m) / s;
            }
        }
    }

    /// <summary>
    /// Training augmentation on one C×H×W image, in place: pad by <paramref name="padding"/> with <paramref name="fill"/> (per channel;
    /// the normalized value of a zero pixel), crop back to H×W at the draw's offsets, then mirror if the draw says so.
    /// </summary>
    public static void Augment(Span<float> chw, int channels, int height, int width, int padding, ReadOnlySpan<float> fill, AugmentationDraw draw)
    {
        int plane = height * width;
        if (padding > 0 && (draw.OffsetY != padding || draw.OffsetX != padding))
        {
            Span<float> source = plane <= 4096 ? stackalloc float[plane] : new float[plane];
            int dy = draw.OffsetY - padding, dx = draw.OffsetX - padding;
            for (var k = 0; k < channels; k++)
            {
                var image = chw.Slice(k * plane, plane);
                image.CopyTo(source);
                var f = fill.IsEmpty ? 0f : fill[fill.Length == 1 ? 0 : k];
                for (var y = 0; y < height; y++)
                {
                    var sy = y + dy;
                    for (var x = 0; x < width; x++)
                    {
                        var sx = x + dx;
                        image[y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width ? source[sy * width + sx] : f;
                    }
                }
            }
        }

        if (draw.Flip)
        {
            for (var k = 0; k < channels; k++)
                for (var y = 0; y < height; y++)
                    chw.Slice(k * plane + y * width, width).Reverse();
        }
    }
}
