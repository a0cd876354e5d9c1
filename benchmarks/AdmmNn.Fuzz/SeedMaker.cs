using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime.Format;
using AdmmNn.Runtime.Tests.Support;

/// <summary>
/// <c>make-packed in.onnx out.admmnn [keep] [bits]</c>: a compressed, packed seed for the packed reader. Every weight
/// matrix or kernel keeps its largest <c>keep</c> fraction, quantized to <c>bits</c> bits (what the compressor's output
/// looks like to the reader: sparse, quantized tensors in every encoding).
/// </summary>
internal static class SeedMaker
{
    public static int Run(string[] args)
    {
        var graph = new OnnxFormat().FromBytes(File.ReadAllBytes(args[1]), Path.GetDirectoryName(Path.GetFullPath(args[1])));
        double keep = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0.1;
        int bits = args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 4;
        var weights = graph.Initializers.Where(t => t.Floats is { Length: >= 64 } && t.Dims.Length >= 2)
            .ToDictionary(t => t.Name, _ => keep);
        SimpleCompression.PruneAndQuantize(graph, weights, bits);
        using (var file = File.Create(args[2])) PackedModelWriter.Write(graph, file);
        Console.WriteLine($"{args[2]}: {new FileInfo(args[2]).Length} bytes, {weights.Count} weight tensors at keep {keep}, {bits} bits");
        return 0;
    }
}
