using System.Buffers;
using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// Owns one ORT object (env, session options, session, memory info, value, type info, type-and-shape info) and calls
/// its <c>Release*</c> function exactly once, even when the owner is never disposed. Calls that use the raw pointer
/// hold a reference (<see cref="SafeHandle.DangerousAddRef"/>) so a concurrent dispose cannot free it mid-call.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<nint, void> _release;
    private readonly SafeHandle? _parent;
    private MemoryHandle _pin;

    /// <param name="release">The ORT function that frees this kind of object.</param>
    /// <param name="handle">The object.</param>
    /// <param name="pin">Caller memory the object points into, unpinned after the object is released.</param>
    /// <param name="parent">
    /// An object this one must not outlive (a session's environment), on which the caller has already called
    /// <see cref="SafeHandle.DangerousAddRef"/>; released after this object.
    /// </param>
    public OrtHandle(delegate* unmanaged<nint, void> release, nint handle, MemoryHandle pin = default, SafeHandle? parent = null)
        : base(0, ownsHandle: true)
    {
        _release = release;
        _pin = pin;
        _parent = parent;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        // A tensor over caller memory keeps that memory pinned until ORT has let go of it, not merely until Dispose:
        // a Run still holding a reference delays this release.
        _pin.Dispose();
        _parent?.DangerousRelease();
        return true;
    }
}
