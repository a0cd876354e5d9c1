using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;

namespace AdmmNn.Plugins.Onnx.Tests;

/// <summary>Initializers in every place ONNX allows their values: typed fields, raw_data, external files, sparse form.</summary>
public sealed class OnnxTensorEncodingTests
{
    private readonly OnnxFormat format = new();

    private static ModelProto ModelWith(params TensorProto[] initializers)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.Graph.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        model.Graph.Output.Add(new ValueInfoProto { Name = "y" });
        model.Graph.Node.Add(new NodeProto { OpType = "Identity", Input = { "x" }, Output = { "y" } });
        model.Graph.Initializer.AddRange(initializers);
        return model;
    }

    private ModelGraph Read(ModelProto model, string? baseDirectory = null) => format.FromBytes(model.ToByteArray(), baseDirectory);

    [Fact]
    public void Typed_fields_are_read_for_every_supported_type()
    {
        var f = new TensorProto { Name = "f", DataType = 1, Dims = { 3 }, FloatData = { 1f, -2f, 3.5f } };
        var d = new TensorProto { Name = "d", DataType = 11, Dims = { 2 }, DoubleData = { 0.25, -8 } };
        var h = new TensorProto { Name = "h", DataType = 10, Dims = { 2 }, Int32Data = { 0x3C00, 0xC000 } }; // 1, -2 in float16
        var i8 = new TensorProto { Name = "i8", DataType = 3, Dims = { 2 }, Int32Data = { -7, 100 } };
        var i64 = new TensorProto { Name = "i64", DataType = 7, Dims = { 1, 2 }, Int64Data = { long.MinValue, 9 } };
        var u64 = new TensorProto { Name = "u64", DataType = 13, Dims = { 1 }, Uint64Data = { 12345678901UL } };
        var graph = Read(ModelWith(f, d, h, i8, i64, u64));
        Assert.Equal([1f, -2f, 3.5f], graph.Initializer("f")!.Floats!);
        Assert.Equal([0.25f, -8f], graph.Initializer("d")!.Floats!);
        Assert.Equal([1f, -2f], graph.Initializer("h")!.Floats!);
        Assert.Equal([-7L, 100], graph.Initializer("i8")!.Int64s!);
        Assert.Equal([long.MinValue, 9], graph.Initializer("i64")!.Int64s!);
        Assert.Equal([12345678901L], graph.Initializer("u64")!.Int64s!);
        Assert.Equal(ElementType.Float64, graph.Initializer("d")!.ElementType);
    }

    [Fact]
    public void Raw_data_of_the_wrong_length_names_the_initializer()
    {
        var bad = new TensorProto { Name = "fc1.weight", DataType = 1, Dims = { 2, 2 }, RawData = ByteString.CopyFrom(new byte[12]) };
        var ex = Assert.Throws<ModelFormatException>(() => Read(ModelWith(bad)));
        Assert.Contains("fc1.weight", ex.Message);
        Assert.Contains("12 bytes", ex.Message);
    }

    [Fact]
    public void Unsupported_data_types_are_named()
    {
        var bad = new TensorProto { Name = "names", DataType = 8, Dims = { 1 }, StringData = { ByteString.CopyFromUtf8("a") } };
        var ex = Assert.Throws<ModelFormatException>(() => Read(ModelWith(bad)));
        Assert.Contains("'names'", ex.Message);
        Assert.Contains("STRING", ex.Message);
    }

    [Fact]
    public void Huge_dims_fail_cleanly_instead_of_allocating()
    {
        var bad = new TensorProto { Name = "w", DataType = 1, Dims = { 1L << 40, 1L << 40 }, RawData = ByteString.CopyFrom(new byte[8]) };
        var ex = Assert.Throws<ModelFormatException>(() => Read(ModelWith(bad)));
        Assert.Contains("'w'", ex.Message);
    }

    [Fact]
    public void Sparse_initializers_are_read_as_dense_for_linear_and_coordinate_indices()
    {
        var model = ModelWith();
        model.Graph.SparseInitializer.Add(new SparseTensorProto
        {
            Dims = { 2, 3 },
            Values = new TensorProto { Name = "linear", DataType = 1, Dims = { 2 }, FloatData = { 5f, 7f } },
            Indices = new TensorProto { DataType = 7, Dims = { 2 }, Int64Data = { 1, 5 } },
        });
        model.Graph.SparseInitializer.Add(new SparseTensorProto
        {
            Dims = { 2, 3 },
            Values = new TensorProto { Name = "coords", DataType = 1, Dims = { 2 }, FloatData = { 5f, 7f } },
            Indices = new TensorProto { DataType = 7, Dims = { 2, 2 }, Int64Data = { 0, 1, 1, 2 } },
        });
        var graph = Read(model);
        Assert.Equal([0f, 5f, 0f, 0f, 0f, 7f], graph.Initializer("linear")!.Floats!);
        Assert.Equal([0f, 5f, 0f, 0f, 0f, 7f], graph.Initializer("coords")!.Floats!);
        Assert.Equal([2L, 3], graph.Initializer("coords")!.Dims);
    }

    [Fact]
    public void Sparse_indices_out_of_range_are_refused()
    {
        var model = ModelWith();
        model.Graph.SparseInitializer.Add(new SparseTensorProto
        {
            Dims = { 2, 3 },
            Values = new TensorProto { Name = "s", DataType = 1, Dims = { 1 }, FloatData = { 5f } },
            Indices = new TensorProto { DataType = 7, Dims = { 1 }, Int64Data = { 6 } },
        });
        Assert.Contains("out of range", Assert.Throws<ModelFormatException>(() => Read(model)).Message);
    }

    [Fact]
    public void External_data_is_read_relative_to_the_model_with_offset_and_length()
    {
        using var folder = new TemporaryFolder();
        var payload = new byte[16 + 12];
        Buffer.BlockCopy(new[] { 1.5f, -2f, 4f }, 0, payload, 16, 12);
        Directory.CreateDirectory(Path.Combine(folder.Path, "weights"));
        File.WriteAllBytes(Path.Combine(folder.Path, "weights", "w.bin"), payload);
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights/w.bin" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "16" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = "12" });
        Assert.Equal([1.5f, -2f, 4f], Read(ModelWith(tensor), folder.Path).Initializer("w")!.Floats!);
    }

    [Theory]
    [InlineData("../secret.bin", "outside")]
    [InlineData("/etc/passwd", "relative")]
    [InlineData("weights/../../secret.bin", "outside")]
    [InlineData("missing.bin", "not found")]
    public void External_data_outside_the_model_folder_or_missing_is_refused(string location, string expected)
    {
        using var folder = new TemporaryFolder();
        var inner = Path.Combine(folder.Path, "model");
        Directory.CreateDirectory(inner);
        File.WriteAllBytes(Path.Combine(folder.Path, "secret.bin"), new byte[12]);
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        var ex = Assert.Throws<ModelFormatException>(() => Read(ModelWith(tensor), inner));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("'w'", ex.Message);
    }

    [Fact]
    public void External_data_through_a_link_that_leaves_the_model_folder_is_refused()
    {
        using var folder = new TemporaryFolder();
        var inner = Path.Combine(folder.Path, "model");
        Directory.CreateDirectory(inner);
        File.WriteAllBytes(Path.Combine(folder.Path, "secret.bin"), new byte[12]);
        File.CreateSymbolicLink(Path.Combine(inner, "w.bin"), Path.Combine(folder.Path, "secret.bin"));
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        Assert.Contains("link", Assert.Throws<ModelFormatException>(() => Read(ModelWith(tensor), inner)).Message);
    }

    [Fact]
    public void External_data_without_a_model_folder_is_refused()
    {
        var tensor = new TensorProto { Name = "w", DataType = 1, Dims = { 3 }, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        Assert.Contains("external", Assert.Throws<ModelFormatException>(() => Read(ModelWith(tensor))).Message);
    }
}
