using System.Runtime.InteropServices;

namespace AdmmNn.OnnxRuntime.Native;

/// <summary>
/// A SafeHandle over one ONNX Runtime object; <see cref="ReleaseHandle"/> calls the matching <c>Release*</c> function,
/// so every native object is freed exactly once even if a caller forgets to dispose.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer, for passing to ONNX Runtime while this handle is alive.</summary>
    internal nint Pointer => IsClosed ? throw new ObjectDisposedException(GetType().Name) : handle;

    /// <summary>Takes ownership of <paramref name="pointer"/>.</summary>
    internal void Own(nint pointer) => SetHandle(pointer);
}
