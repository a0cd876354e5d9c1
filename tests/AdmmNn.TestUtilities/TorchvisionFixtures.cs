using System.Diagnostics;

namespace AdmmNn.TestUtilities;

/// <summary>
/// The torchvision models PyTorch exports (samples/models/export_torchvision.py), generated into the cache
/// (<c>${ADMMNN_CACHE:-~/.cache/admmnn}/fixtures/torchvision</c>) the first time a test asks for one, never committed.
/// </summary>
public static class TorchvisionFixtures
{
    /// <summary>The eight classification models of the CNN-import acceptance (input [N,3,64,64], 10 classes).</summary>
    public static IReadOnlyList<string> Models { get; } =
    [
        "resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "shufflenet_v2_x0_5", "squeezenet1_1", "densenet121", "regnet_y_400mf",
    ];

    /// <summary>The opsets every model is exported at.</summary>
    public static IReadOnlyList<int> Opsets { get; } = [11, 13, 17];

    private static readonly object Gate = new();

    /// <summary>
    /// The (model, opset) cases a full run covers: every model at every opset under ADMMNN_TORCHVISION_ALL=1, or the list
    /// in ADMMNN_TORCHVISION_CASES (<c>resnet18:13,densenet121:11</c>); <paramref name="defaults"/> otherwise, so the
    /// default suite stays short.
    /// </summary>
    public static IEnumerable<(string Model, int Opset)> Cases(params (string Model, int Opset)[] defaults)
    {
        if (Environment.GetEnvironmentVariable("ADMMNN_TORCHVISION_CASES") is { Length: > 0 } list)
        {
            return list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(c => c.Split(':'))
                .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
        }
        if (Environment.GetEnvironmentVariable("ADMMNN_TORCHVISION_ALL") == "1")
            return Models.SelectMany(m => Opsets.Select(o => (m, o))).ToList();
        return defaults;
    }

    /// <summary>The cache folder.</summary>
    public static string Folder
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("ADMMNN_CACHE") is { Length: > 0 } c ? c
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "admmnn");
            return Path.Combine(cache, "fixtures", "torchvision");
        }
    }


    /// <summary>The path of <paramref name="model"/> at <paramref name="opset"/> (<c>lenet_avgpool</c>: opset 11 only), exporting it first when missing.</summary>
    public static string Get(string model, int opset)
    {
        var path = Path.Combine(Folder, $"{model}-opset{opset}.onnx");
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            Python(RepoPaths.Combine("samples", "models", "export_torchvision.py"),
                ["--out", Folder, "--models", model, "--opsets", opset.ToString(System.Globalization.CultureInfo.InvariantCulture)], path);
            return path;
        }
    }

    /// <summary>
    /// A Fashion-MNIST-derived RGB 64x64 data set (.npz; 512 train, 256 test images) for compressing the models, written
    /// by samples/models/make_fashion_rgb64.py into the cache on first use.
    /// </summary>
    public static string FashionRgb64()
    {
        var path = Path.Combine(Path.GetDirectoryName(Folder)!, "fashion-rgb64.npz");
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            Python(RepoPaths.Combine("samples", "models", "make_fashion_rgb64.py"), [path], path);
            return path;
        }
    }

    private static void Python(string script, string[] arguments, string expected)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", [script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || !File.Exists(expected))
            throw new InvalidOperationException(
                $"{script} {string.Join(" ", arguments)} failed (exit {process.ExitCode}; run ./build/setup.sh for python3-torch and python3-torchvision): {stderr.Result}");
    }
}
