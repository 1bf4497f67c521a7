using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// A UTF-8 string ORT allocated for the caller (input and output names), freed with the allocator that made it;
/// freeing it any other way would corrupt ORT's heap.
/// </summary>
internal sealed unsafe class OrtAllocatedString : SafeHandle
{
    private readonly OrtApi _api;
    private readonly nint _allocator;

    public OrtAllocatedString(OrtApi api, nint allocator, byte* text)
        : base(0, ownsHandle: true)
    {
        _api = api;
        _allocator = allocator;
        SetHandle((nint)text);
    }

    public override bool IsInvalid => handle == 0;

    public override string ToString() => Marshal.PtrToStringUTF8(handle) ?? string.Empty;

    protected override bool ReleaseHandle()
    {
        var status = _api.AllocatorFree(_allocator, (void*)handle);
        if (status != 0)
        {
            _api.ReleaseStatus(status);
            return false;
        }

        return true;
    }
}
