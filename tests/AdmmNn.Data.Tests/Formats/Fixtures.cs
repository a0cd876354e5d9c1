using AdmmNn.TestUtilities;

namespace AdmmNn.Data.Tests.Formats;

/// <summary>The files tests/AdmmNn.Data.Tests/Fixtures/make_fixtures.py wrote with numpy, and the pixel rule it used.</summary>
internal static class Fixtures
{
    public static string Path(params string[] parts) => RepoPaths.Combine(["tests", "AdmmNn.Data.Tests", "Fixtures", .. parts]);

    /// <summary>value(n, h, w, c) as make_fixtures.py computes it.</summary>
    public static byte Value(int n, int h, int w, int c) => (byte)((n * 31 + h * 7 + w * 3 + c * 50) % 256);

    /// <summary>Sample n as H×W×C bytes.</summary>
    public static byte[] Hwc(int n, int height, int width, int channels)
    {
        var result = new byte[height * width * channels];
        for (var h = 0; h < height; h++)
            for (var w = 0; w < width; w++)
                for (var c = 0; c < channels; c++) result[(h * width + w) * channels + c] = Value(n, h, w, c);
        return result;
    }
}
