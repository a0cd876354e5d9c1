namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtTensorTypeAndShapeInfo.</summary>
internal sealed class OrtTensorInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}
