namespace AdmmNn.OnnxRuntime.Native;

/// <summary>Owns an OrtEnv (one per process).</summary>
internal sealed class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle()
    {
        OrtApi.Instance.ReleaseEnv(handle);
        return true;
    }
}
