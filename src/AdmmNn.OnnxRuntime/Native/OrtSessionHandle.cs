namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtSession.</summary>
internal sealed class OrtSessionHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseSession(handle);
        return true;
    }
}
