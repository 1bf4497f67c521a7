using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// A loaded model, ready to run: its inputs and outputs, and Run.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safety: Run may be called from any number of threads at once on one session; ORT supports concurrent Run
/// calls on a session, and this class keeps no per-call state. What must not be shared between concurrent Runs is an
/// <see cref="OnnxValue"/> used as a pre-allocated output. Disposing while Runs are in flight is safe: the native
/// session is released when the last of them returns.
/// </para>
/// <para>
/// Costs: the positional <see cref="Run(ReadOnlySpan{OnnxValue}, ReadOnlySpan{OnnxValue})"/> allocates nothing on the
/// managed heap (names are encoded once, here); the overloads that return <see cref="OnnxTensor"/>s copy each output
/// into a new array.
/// </para>
/// </remarks>
public sealed unsafe partial class OnnxSession : IDisposable
{
    private readonly OrtApi _api;
    private readonly OrtHandle _handle;
    private readonly byte[] _names;
    private readonly nint[] _inputNames;
    private readonly nint[] _outputNames;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    internal OnnxSession(OnnxRuntime runtime, OrtHandle handle, string executionProvider)
    {
        _api = runtime.Api;
        _handle = handle;
        Runtime = runtime;
        ExecutionProvider = executionProvider;
        try
        {
            Inputs = ReadInfos(_api.SessionGetInputCount, _api.SessionGetInputName, _api.SessionGetInputTypeInfo);
            Outputs = ReadInfos(_api.SessionGetOutputCount, _api.SessionGetOutputName, _api.SessionGetOutputTypeInfo);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        (_names, _inputNames, _outputNames) = EncodeNames(Inputs, Outputs);
        _inputIndex = Inputs.Select((info, i) => (info.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _outputIndex = Outputs.Select((info, i) => (info.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    public OnnxRuntime Runtime { get; }

    /// <summary>The provider the session runs on: <see cref="OnnxRuntime.CudaProvider"/> or <see cref="OnnxRuntime.CpuProvider"/> (also after a CUDA fallback).</summary>
    public string ExecutionProvider { get; }

    /// <summary>The model's inputs, in the order the positional Run takes them.</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>The model's outputs, in the order the positional Run takes them.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    public void Dispose() => _handle.Dispose();

    /// <summary>
    /// Every input and output name as NUL-terminated UTF-8 in one pinned array, and per side a pinned array of pointers
    /// into it, the shape Run wants. Pinned managed memory, not native, so a Dispose racing a Run cannot free the names
    /// under it; the names live as long as the session object.
    /// </summary>
    private static (byte[] Names, nint[] Inputs, nint[] Outputs) EncodeNames(IReadOnlyList<OnnxTensorInfo> inputs, IReadOnlyList<OnnxTensorInfo> outputs)
    {
        var all = inputs.Concat(outputs).Select(info => info.Name).ToArray();
        var names = GC.AllocateArray<byte>(all.Sum(name => System.Text.Encoding.UTF8.GetByteCount(name) + 1), pinned: true);
        var pointers = GC.AllocateArray<nint>(all.Length, pinned: true);
        for (int i = 0, offset = 0; i < all.Length; i++)
        {
            pointers[i] = Marshal.UnsafeAddrOfPinnedArrayElement(names, offset);
            offset += System.Text.Encoding.UTF8.GetBytes(all[i], names.AsSpan(offset)) + 1;
        }

        var inputPointers = GC.AllocateArray<nint>(inputs.Count, pinned: true);
        var outputPointers = GC.AllocateArray<nint>(outputs.Count, pinned: true);
        pointers.AsSpan(0, inputs.Count).CopyTo(inputPointers);
        pointers.AsSpan(inputs.Count).CopyTo(outputPointers);
        return (names, inputPointers, outputPointers);
    }

    private IReadOnlyList<OnnxTensorInfo> ReadInfos(
        delegate* unmanaged<nint, nuint*, nint> getCount,
        delegate* unmanaged<nint, nuint, nint, byte**, nint> getName,
        delegate* unmanaged<nint, nuint, nint*, nint> getTypeInfo)
    {
        var session = _handle.DangerousGetHandle();
        nuint count;
        _api.Check(getCount(session, &count));
        var infos = new OnnxTensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* rawName;
            _api.Check(getName(session, i, Runtime.Allocator, &rawName));
            string name;
            using (var allocated = new OrtAllocatedString(_api, Runtime.Allocator, rawName))
            {
                name = allocated.ToString();
            }

            nint typeInfo;
            _api.Check(getTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new OrtHandle(_api.ReleaseTypeInfo, typeInfo);
            infos[i] = ReadInfo(name, typeInfo);
        }

        return infos;
    }

    private OnnxTensorInfo ReadInfo(string name, nint typeInfo)
    {
        OnnxValueKind kind;
        _api.Check(_api.GetOnnxTypeFromTypeInfo(typeInfo, &kind));
        if (kind != OnnxValueKind.Tensor)
        {
            return new OnnxTensorInfo(name, kind, OnnxElementType.Undefined, [], []);
        }

        // Owned by the type info: not released separately.
        nint tensorInfo;
        OnnxElementType elementType;
        nuint rank;
        _api.Check(_api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        _api.Check(_api.GetTensorElementType(tensorInfo, &elementType));
        _api.Check(_api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        var symbols = stackalloc byte*[(int)rank];
        fixed (long* dims = shape)
        {
            _api.Check(_api.GetDimensions(tensorInfo, dims, rank));
        }

        _api.Check(_api.GetSymbolicDimensions(tensorInfo, symbols, rank));
        var names = new string?[(int)rank];
        for (var d = 0; d < names.Length; d++)
        {
            // ORT gives "" for a dimension without a name; the strings belong to the type info.
            names[d] = Marshal.PtrToStringUTF8((nint)symbols[d]) is { Length: > 0 } symbol ? symbol : null;
        }

        return new OnnxTensorInfo(name, kind, elementType, shape, names);
    }
}
