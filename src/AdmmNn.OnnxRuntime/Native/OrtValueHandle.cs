namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtValue (a tensor).</summary>
internal sealed class OrtValueHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseValue(handle);
        return true;
    }
}
