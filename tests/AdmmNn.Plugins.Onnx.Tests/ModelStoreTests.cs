using AdmmNn.Abstractions.Formats;
using AdmmNn.Core.Models;

namespace AdmmNn.Plugins.Onnx.Tests;

public sealed class ModelStoreTests
{
    private readonly ModelStore store = new([new OnnxFormat()]);

    [Fact]
    public void Save_then_load_by_extension_case_insensitively()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "sub", "Model.ONNX");
        store.Save(ModelGraphs.TinyConvNet(), path);
        var loaded = store.Load(path);
        Assert.Equal(["conv", "relu", "flatten", "fc"], loaded.Nodes.Select(n => n.Name));
        Assert.Equal(["Model.ONNX"], Directory.GetFiles(Path.Combine(folder.Path, "sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Unknown_extensions_name_the_file_and_the_known_ones()
    {
        var ex = Assert.Throws<ModelFormatException>(() => store.Load("/tmp/model.pb"));
        Assert.Contains("/tmp/model.pb", ex.Message);
        Assert.Contains(".onnx", ex.Message);
    }

    [Fact]
    public void Missing_files_are_file_not_found_naming_the_file()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => store.Load("/nonexistent/m.onnx"));
        Assert.Contains("/nonexistent/m.onnx", ex.Message);
    }

    [Fact]
    public void Format_errors_are_prefixed_with_the_path()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "empty.onnx");
        File.WriteAllBytes(path, []);
        var ex = Assert.Throws<ModelFormatException>(() => store.Load(path));
        Assert.StartsWith(path + ": ", ex.Message);
    }

    [Fact]
    public void A_failed_save_leaves_the_existing_file_untouched_and_no_temporary_files()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "m.onnx");
        store.Save(ModelGraphs.TinyConvNet(), path);
        var before = File.ReadAllBytes(path);
        var bad = ModelGraphs.TinyConvNet();
        bad.OpsetVersion = 99;
        var ex = Assert.Throws<ModelFormatException>(() => store.Save(bad, path));
        Assert.StartsWith(path, ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.onnx"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void External_data_resolves_relative_to_the_model_file()
    {
        using var folder = new TemporaryFolder();
        var graph = ModelGraphs.TinyConvNet();
        var proto = Protos.ModelProto.Parser.ParseFrom(new OnnxFormat().ToBytes(graph));
        var weight = proto.Graph.Initializer.Single(t => t.Name == "fc.weight");
        File.WriteAllBytes(Path.Combine(folder.Path, "fc.bin"), weight.RawData.ToByteArray());
        weight.ClearRawData();
        weight.DataLocation = Protos.TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new Protos.StringStringEntryProto { Key = "location", Value = "fc.bin" });
        var path = Path.Combine(folder.Path, "m.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        Assert.Equal(graph.Initializer("fc.weight")!.Floats, store.Load(path).Initializer("fc.weight")!.Floats);
    }
}
