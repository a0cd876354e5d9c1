// Classifies Fashion-MNIST test images with LeNet-5, compressed at build time by AdmmNn.Build and embedded in this
// assembly. Usage: LeNetApp [count] [--data DIR]
using System.Diagnostics;
using System.Globalization;
using AdmmNn.Runtime;
using LeNetApp;

var count = 1000;
string? dataDir = null;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--data" && i + 1 < args.Length) dataDir = args[++i];
    else if (int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) count = n;
    else
    {
        Console.Error.WriteLine($"usage: LeNetApp [count] [--data DIR]   (unknown argument '{args[i]}')");
        return 2;
    }
}

const string resource = "AdmmNn.Models.lenet5-fashion.admmnn";
var model = CompressedModel.FromResource(typeof(Program).Assembly, resource);
Console.WriteLine($"model: {resource}, input [{string.Join(",", model.InputShape)}], {model.Layers.Count} weight layers");

var environment = Environment.GetEnvironmentVariable("ADMMNN_DATA");
var folders = new List<string>();
if (dataDir != null) folders.Add(dataDir);
if (!string.IsNullOrEmpty(environment)) folders.AddRange([Path.Combine(environment, "fashion-mnist"), environment]);
folders.Add("/usr/share/datasets/fashion-mnist");
var test = FashionMnistTestSet.Load(folders, count);

var logits = new float[test.Count * model.OutputSize];
var watch = Stopwatch.StartNew();
model.Run(test.Images, test.Count, logits);
watch.Stop();

var correct = 0;
for (var i = 0; i < test.Count; i++)
{
    var row = logits.AsSpan(i * model.OutputSize, model.OutputSize);
    var best = 0;
    for (var c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
    if (best == test.Labels[i]) correct++;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"accuracy: {(double)correct / test.Count:0.0000} ({correct}/{test.Count}) in {watch.Elapsed.TotalMilliseconds:0} ms"));
return 0;
