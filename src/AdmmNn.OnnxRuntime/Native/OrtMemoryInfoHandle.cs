namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtMemoryInfo.</summary>
internal sealed class OrtMemoryInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseMemoryInfo(handle);
        return true;
    }
}
