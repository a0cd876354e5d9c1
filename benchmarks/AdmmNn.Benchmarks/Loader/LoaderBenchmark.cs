using System.Diagnostics;
using System.Globalization;
using AdmmNn.Abstractions.Datasets;
using AdmmNn.Data.Formats;
using AdmmNn.Data.Loading;
using AdmmNn.Runtime.Preprocessing;
using AdmmNn.Tensors;
using AdmmNn.Tensors.Models;
using AdmmNn.Tensors.Modules;
using AdmmNn.Tensors.Optimizers;
using AdmmNn.Tensors.Training;

namespace AdmmNn.Benchmarks.Loader;

/// <summary>
/// <c>loader [--quick] [--folder DIR [--folder-only]]</c>: the streaming loader's throughput (decode + preprocess, 2 threads) on PNG 28×28 grey,
/// PNG 32×32 RGB and JPEG 224×224, beside the engine's training throughput of the zoo models, and the peak memory of a
/// pass over a large folder. Images are written by samples/datasets/write_image_folder.py (PNG) and PIL (JPEG).
/// </summary>
public static class LoaderBenchmark
{
    public static void Run(TextWriter output, bool quick, string[] args)
    {
        var ic = CultureInfo.InvariantCulture;
        var folderOnly = args.Contains("--folder-only");
        var root = Path.Combine(Path.GetTempPath(), "admmnn-loader-bench");
        var limit = quick ? 2000 : 20000;
        var grey = Path.Combine(root, "grey28");
        var rgb = Path.Combine(root, "rgb32");
        var jpeg = Path.Combine(root, "jpeg224");
        var script = Path.Combine(RepoRoot(), "samples", "datasets", "write_image_folder.py");
        const string idx = "/usr/share/datasets/fashion-mnist";
        if (folderOnly) goto LargeFolder;
        if (!Directory.Exists(grey)) Python(script, idx, grey, "--limit", limit.ToString(ic));
        if (!Directory.Exists(rgb)) Python(script, idx, rgb, "--limit", limit.ToString(ic), "--rgb", "32");
        if (!Directory.Exists(jpeg)) WriteJpegs(rgb, jpeg, quick ? 300 : 1500);
        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        output.WriteLine("loader: decode + preprocess, 2 threads, prefetch 4, batch 64 (images/s)");

        Loader(output, "PNG 28x28 grey, /255", grey, ImagePreprocessing.Default, new SampleShape(28, 28, 1));
        var cifarLike = new ImagePreprocessing { Mean = [0.286f], Std = [0.353f], RandomCropPadding = 4, HorizontalFlip = true };
        Loader(output, "PNG 32x32 RGB, mean/std + crop + flip", rgb, cifarLike, new SampleShape(32, 32, 3));
        var imagenet = new ImagePreprocessing { Resize = 224, CenterCrop = 224, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };
        if (Directory.Exists(jpeg)) Loader(output, "JPEG 224x224 RGB, mean/std", jpeg, imagenet, new SampleShape(224, 224, 3));

        output.WriteLine("engine training (1x28x28, batch 64, 2 threads):");
        foreach (var arch in new[] { "lenet5", "resnet-small" }) Training(output, arch, quick ? 2 : 5);

    LargeFolder:
        if (args.SkipWhile(a => a != "--folder").Skip(1).FirstOrDefault() is { } folder)
        {
            GC.Collect();
            using var dataset = DatasetFormats.Open(folder);
            var split = dataset.Splits[0];
            var shape = split.Read(0).Shape;
            var loader = new StreamingLoader(split, ImagePreprocessing.Default, shape, 64, 0) { Training = true };
            var clock = Stopwatch.StartNew();
            long n = 0;
            foreach (var batch in loader.Epoch(0)) n += batch.Count;
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            output.WriteLine(string.Format(ic, "large folder {0}: {1:N0} images of {2} in {3:0.0} s ({4:N0} images/s); process peak working set {5:N0} MB; batch memory bound {6:N1} MB",
                folder, n, shape, clock.Elapsed.TotalSeconds, n / clock.Elapsed.TotalSeconds, peak / 1e6, loader.BatchMemoryBound / 1e6));
        }
    }

    private static void Loader(TextWriter output, string what, string folder, ImagePreprocessing p, SampleShape shape)
    {
        using var dataset = DatasetFormats.Open(folder);
        var split = dataset.Splits[0];
        var loader = new StreamingLoader(split, p, shape, 64, 0) { Training = true, Threads = 2, Prefetch = 4 };
        foreach (var _ in loader.Epoch(0).Take(2)) { }
        var clock = Stopwatch.StartNew();
        long n = 0;
        foreach (var batch in loader.Epoch(1)) n += batch.Count;
        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-40} {1,8:N0} images/s ({2:N0} images, {3:0.00} s)", what, n / clock.Elapsed.TotalSeconds, n, clock.Elapsed.TotalSeconds));
    }

    private static void Training(TextWriter output, string arch, double seconds)
    {
        var model = GraphModule.FromGraph(ModelZoo.Create(arch, seed: 1));
        var trainer = new Trainer(model, new Sgd(model.Parameters, learningRate: 0.01, momentum: 0.9));
        var rng = new Random(0);
        var data = Enumerable.Range(0, 64 * 784).Select(_ => (float)rng.NextDouble()).ToArray();
        var images = new Tensor(data, [64, 1, 28, 28]);
        var labels = Enumerable.Range(0, 64).Select(_ => rng.Next(10)).ToArray();
        trainer.TrainBatch(images, labels);
        var clock = Stopwatch.StartNew();
        long n = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            trainer.TrainBatch(images, labels);
            n += 64;
        }

        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "  {0,-40} {1,8:N0} images/s", arch, n / clock.Elapsed.TotalSeconds));
    }

    private static void WriteJpegs(string pngRoot, string jpegRoot, int count)
    {
        var code = "import sys, os, glob\nfrom PIL import Image\nsrc, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n" +
                   "files = sorted(glob.glob(os.path.join(src, 'train', '*', '*.png')))[:n]\n" +
                   "for f in files:\n    cls = os.path.basename(os.path.dirname(f))\n    os.makedirs(os.path.join(dst, 'train', cls), exist_ok=True)\n" +
                   "    Image.open(f).convert('RGB').resize((224, 224), Image.BILINEAR).save(os.path.join(dst, 'train', cls, os.path.basename(f)[:-4] + '.jpg'), quality=90)\n";
        try
        {
            Python("-c", code, pngRoot, jpegRoot, count.ToString(CultureInfo.InvariantCulture));
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"JPEG images not written (python3-pil missing?): {ex.Message}");
        }
    }

    private static void Python(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException(error.Trim());
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "AdmmNn.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
