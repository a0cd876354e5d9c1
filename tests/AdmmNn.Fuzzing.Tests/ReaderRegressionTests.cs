using System.Diagnostics;
using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Fuzzing.Targets;
using AdmmNn.Plugins.Onnx;
using AdmmNn.Runtime;
using AdmmNn.Runtime.Format;
using AdmmNn.TestUtilities;
using Xunit.Abstractions;

namespace AdmmNn.Fuzzing.Tests;

/// <summary>
/// Each failure class issue #16 lists, rebuilt as a small file, now a clean rejection by the reader's documented
/// exception naming the tensor, node or field; and the 2^40-element tensors, rejected before anything is allocated.
/// </summary>
public sealed class ReaderRegressionTests(ITestOutputHelper output)
{
    private static readonly OnnxFormat Format = new();

    private static ModelFormatException OnnxRejects(byte[] bytes) => Assert.Throws<ModelFormatException>(() => Format.FromBytes(bytes));

    [Fact]
    public void The_hand_made_onnx_reads_when_it_is_not_hostile()
    {
        var graph = Format.FromBytes(HandMadeFiles.Onnx(HandMadeFiles.Initializer("w", [2], new byte[8])));
        Assert.Equal("Relu", graph.Nodes[0].OpType);
        Assert.Equal([2L], graph.Initializer("w")!.Dims);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_2_to_the_40_element_onnx_tensor_is_rejected_naming_it(bool sparse)
    {
        var bytes = HandMadeFiles.Onnx(sparse
            ? HandMadeFiles.SparseInitializer("huge_weight", 1 << 20, 1 << 20)
            : HandMadeFiles.Initializer("huge_weight", [1 << 20, 1 << 20]));
        var ex = RejectedCheaply(bytes, () => OnnxRejects(bytes));
        Assert.Contains("huge_weight", ex.Message);
        Assert.Contains("1048576,1048576", ex.Message);
    }

    [Fact]
    public void A_2_to_the_40_element_packed_tensor_is_rejected_naming_it()
    {
        var bytes = HandMadeFiles.Packed("huge_weight", 1 << 20, 1 << 20);
        var ex = RejectedCheaply(bytes, () => Assert.Throws<InvalidModelException>(() => CompressedModel.Load(bytes)));
        Assert.Contains("tensor 'huge_weight' [1048576,1048576]", ex.Message);
        Assert.Equal("initializer.dims", ex.Field);
    }

    /// <summary>Runs <paramref name="reject"/> on a few hundred bytes; reports time and allocation (generous bounds: the figures go to the output).</summary>
    private T RejectedCheaply<T>(byte[] bytes, Func<T> reject) where T : Exception
    {
        Assert.InRange(bytes.Length, 50, 400);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var ex = reject();
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{bytes.Length} bytes rejected in {clock.Elapsed.TotalMilliseconds:F2} ms, {allocated} bytes allocated: {ex.Message}");
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes to reject it");
        Assert.True(clock.Elapsed.TotalSeconds < 5, "generous bound; the figure is in the test output");
        return ex;
    }

    [Fact]
    public void A_packed_tensor_within_int_range_but_beyond_what_the_file_justifies_is_rejected_naming_it()
    {
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(HandMadeFiles.Packed("big", 1 << 14, 1 << 14)));
        Assert.Contains("tensor 'big' [16384,16384]", ex.Message);
    }

    [Fact]
    public void Sparse_tensor_that_used_to_exhaust_memory_in_ReadSparse()
    {
        // 2^30 elements fit an array index, so the old check passed and the dense form (4 GiB) was allocated.
        var ex = OnnxRejects(HandMadeFiles.Onnx(HandMadeFiles.SparseInitializer("s", 1 << 15, 1 << 15)));
        Assert.Contains("sparse initializer 's'", ex.Message);
        Assert.Contains($"at most {Plugins.Onnx.Validation.OnnxLimits.MaxSparseElements}", ex.Message);
    }

    [Fact]
    public void Many_sparse_tensors_cannot_add_up_past_the_model_budget()
    {
        var eachBelow = Enumerable.Range(0, 3).Select(i => HandMadeFiles.SparseInitializer($"s{i}", 1 << 13, 1 << 12)).ToArray();
        var ex = OnnxRejects(HandMadeFiles.Onnx(eachBelow));
        Assert.Contains("together", ex.Message);
    }

    [Fact]
    public void Declared_input_too_large_for_the_engine_Tensor_and_workspace_is_rejected_at_read()
    {
        // A dims edit of the graph input made the engine allocate the input (Tensor..ctor) and im2col buffers (WorkspacePool.Ensure).
        var ex = OnnxRejects(HandMadeFiles.Onnx(HandMadeFiles.ValueInfo(11, "x", 1, 1, 1 << 20, 1 << 20)));
        Assert.Contains("graph input 'x'", ex.Message);
    }

    [Theory]
    [InlineData("pads", 1L << 30)]
    [InlineData("strides", 0L)]
    [InlineData("kernel_shape", -3L)]
    [InlineData("dilations", 1L << 40)]
    public void Window_attributes_that_made_Tensor_SizeOf_throw_at_run_are_rejected_at_read(string attribute, long value)
    {
        var node = HandMadeFiles.Node("MaxPool", ["x"], ["p"], HandMadeFiles.IntsAttribute("kernel_shape", 1, 1), HandMadeFiles.IntsAttribute(attribute, value, value));
        var ex = OnnxRejects(HandMadeFiles.Onnx(node, HandMadeFiles.ValueInfo(11, "x", 1, 1, 2, 2)));
        Assert.Contains($"attribute '{attribute}' value {value}", ex.Message);
        Assert.Contains("MaxPool", ex.Message);
    }

    [Fact]
    public void Constant_whose_value_attribute_has_the_wrong_kind_used_to_be_a_NullReferenceException()
    {
        var node = HandMadeFiles.Node("Constant", [], ["c"], HandMadeFiles.IntAttribute("value_floats", 3));
        var ex = OnnxRejects(HandMadeFiles.Onnx(node));
        Assert.Contains("attribute 'value_floats' must hold a FLOATS value", ex.Message);
    }

    [Fact]
    public void Constant_without_an_output_is_rejected()
    {
        var node = HandMadeFiles.Node("Constant", [], [], HandMadeFiles.IntAttribute("value_int", 3));
        Assert.Contains("exactly one named output", OnnxRejects(HandMadeFiles.Onnx(node)).Message);
    }

    [Fact]
    public void A_node_naming_more_outputs_than_its_op_makes_used_to_index_past_ExecutionPlan_shapes()
    {
        // After pack: a Conv with a second output read fine as ONNX and crashed the runtime's shape pass.
        var graph = Format.FromBytes(File.ReadAllBytes(RepoPaths.Combine("samples", "models", "lenet5-fashion.onnx")));
        var node = graph.Nodes.First(n => n.OpType == "Conv");
        node.Outputs.Add("extra_output");
        using var packed = new MemoryStream();
        PackedModelWriter.Write(graph, packed);
        var ex = Assert.Throws<InvalidModelException>(() => CompressedModel.Load(packed.ToArray()));
        Assert.Contains($"node '{node.Name}'", ex.Message);
        Assert.Contains("names 2 outputs", ex.Message);
    }

    [Fact]
    public void Truncated_metadata_entries_are_a_format_error()
    {
        // ModelProto.metadata_props (14) entries cut inside their key or value: whatever protobuf throws, the reader says ModelFormatException.
        var model = HandMadeFiles.Onnx();
        for (int cut = 1; cut < 8; cut++)
        {
            var entry = new byte[] { 0x72, 8, 0x0A, 3, (byte)'k', (byte)'e', (byte)'y', 0x12, 10, (byte)'v' };
            var bytes = model.Concat(entry.Take(entry.Length - cut + 1)).ToArray();
            var outcome = new OnnxTarget().Run(bytes);
            Assert.NotEqual(FuzzVerdict.Defect, outcome.Verdict);
        }
    }
}
