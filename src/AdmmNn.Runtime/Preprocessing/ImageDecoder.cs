using AdmmNn.Abstractions.Datasets;
using StbImageSharp;

namespace AdmmNn.Runtime.Preprocessing;

/// <summary>
/// Decodes PNG, JPEG and BMP bytes to interleaved H×W×C bytes (1 channel for grey images, 3 for colour; alpha dropped)
/// with StbImageSharp: one small managed assembly, so the runtime stays light, and the same decoder in training, evaluation
/// and apps makes their pixels identical.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes <paramref name="encoded"/>.</summary>
    /// <exception cref="InvalidDataException">Not a decodable PNG/JPEG/BMP, or truncated.</exception>
    public static (byte[] Pixels, SampleShape Shape) Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length < 8) throw new InvalidDataException($"image is {encoded.Length} bytes: too short to be a PNG, JPEG or BMP");
        var bytes = encoded.ToArray();
        ImageResult image;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var info = ImageInfo.FromStream(stream) ?? throw new InvalidDataException("not a PNG, JPEG or BMP image");
            stream.Position = 0;
            var wanted = info.ColorComponents is ColorComponents.Grey or ColorComponents.GreyAlpha ? ColorComponents.Grey : ColorComponents.RedGreenBlue;
            image = ImageResult.FromMemory(bytes, wanted);
        }
        catch (Exception ex) when (ex is not InvalidDataException && ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"corrupt or truncated image: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }

        if (image.Width <= 0 || image.Height <= 0) throw new InvalidDataException($"image has the empty size {image.Height}x{image.Width}");
        var channels = image.Comp == ColorComponents.Grey ? 1 : 3;
        var shape = new SampleShape(image.Height, image.Width, channels);
        if (image.Data is null || image.Data.Length != shape.Size) throw new InvalidDataException("corrupt or truncated image: decoder returned no pixels");
        return (image.Data, shape);
    }
}
