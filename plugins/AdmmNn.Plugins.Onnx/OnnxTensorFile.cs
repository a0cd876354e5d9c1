using AdmmNn.Abstractions.Formats;
using AdmmNn.Abstractions.Models;
using AdmmNn.Plugins.Onnx.Protos;
using Google.Protobuf;

namespace AdmmNn.Plugins.Onnx;

/// <summary>
/// A single serialized ONNX <c>TensorProto</c> (the <c>input_*.pb</c>/<c>output_*.pb</c> files of ONNX's test data).
/// </summary>
public static class OnnxTensorFile
{
    /// <summary>Reads one tensor; the file's own name is kept in <see cref="TensorData.Name"/>.</summary>
    public static TensorData Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var proto = TensorProto.Parser.ParseFrom(bytes);
            return OnnxTensors.Read(proto, $"tensor file '{path}'", new ExternalDataReader(Path.GetDirectoryName(Path.GetFullPath(path))!));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelFormatException($"tensor file '{path}': not a valid TensorProto: {OnnxFormat.OneLine(ex.Message)}", ex);
        }
    }

    /// <summary>Writes one tensor (raw_data form).</summary>
    public static void Write(TensorData tensor, Stream stream) => OnnxTensors.Write(tensor, $"tensor '{tensor.Name}'").WriteTo(stream);
}
