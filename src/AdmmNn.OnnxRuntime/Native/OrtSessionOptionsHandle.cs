namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtSessionOptions.</summary>
internal sealed class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSessionOptions(handle);
        return true;
    }
}
