using System.Diagnostics;
using System.Globalization;
using AdmmNn.TestUtilities;

namespace AdmmNn.Cli.Tests;

/// <summary>Fashion-MNIST written as PNG image folders by samples/datasets/write_image_folder.py, for the tests that read folders.</summary>
internal static class FashionPng
{
    /// <summary>Writes the first <paramref name="limit"/> images of each split under <paramref name="root"/> (train/&lt;class&gt;/, test/&lt;class&gt;/).</summary>
    public static void Write(string root, int limit)
    {
        var idx = Path.GetDirectoryName(TestData.FashionMnistTest.ImagesPath)!;
        var start = new ProcessStartInfo("/usr/bin/python3",
            [RepoPaths.Combine("samples", "datasets", "write_image_folder.py"), idx, root, "--limit", limit.ToString(CultureInfo.InvariantCulture)])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException(error);
    }
}
