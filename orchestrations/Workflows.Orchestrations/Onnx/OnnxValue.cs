namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// An ORT tensor over memory the caller owns (see <see cref="OnnxRuntime.CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>).
/// As an input, ORT reads the memory; as a pre-allocated output, Run writes its result into it in place.
/// </summary>
/// <remarks>
/// A value may be read by any number of concurrent Runs as an input, but a value used as an output must belong to one
/// Run at a time: two Runs writing the same buffer race. Its fields are fixed at creation; to feed a different batch
/// size, create another value (cheap: no data is copied).
/// </remarks>
public sealed class OnnxValue : IDisposable
{
    private readonly long[] _shape;

    internal OnnxValue(OrtHandle handle, OnnxElementType elementType, long[] shape, long elementCount)
    {
        Handle = handle;
        ElementType = elementType;
        _shape = shape;
        ElementCount = elementCount;
    }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Shape => _shape;

    public long ElementCount { get; }

    internal OrtHandle Handle { get; }

    /// <summary>Releases the ORT value; the caller's memory is unpinned once no Run uses it any more.</summary>
    public void Dispose() => Handle.Dispose();
}
