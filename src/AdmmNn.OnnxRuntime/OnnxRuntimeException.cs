namespace AdmmNn.OnnxRuntime;

/// <summary>ONNX Runtime reported an error; <see cref="Exception.Message"/> is ONNX Runtime's own message.</summary>
public sealed class OnnxRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OnnxRuntimeException(string message, int errorCode = 0) : base(message) => ErrorCode = errorCode;

    /// <summary>ONNX Runtime's <c>OrtErrorCode</c> (1 FAIL, 2 INVALID_ARGUMENT, 3 NO_SUCHFILE, 4 NO_MODEL, 7 INVALID_PROTOBUF, 9 NOT_IMPLEMENTED, 10 INVALID_GRAPH, ...); 0 when the error is ours.</summary>
    public int ErrorCode { get; }
}
