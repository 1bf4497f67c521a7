using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// ONNX Runtime, loaded: the library's function table and one ORT environment. It creates sessions and the tensors
/// that feed them. Make one per process (ORT shares a single environment per process anyway) and keep it for the
/// process's life; it is thread-safe.
/// </summary>
/// <remarks>
/// This is our own binding of ORT's C API (<c>OrtGetApiBase</c>), because Microsoft.ML.OnnxRuntime is not served by
/// the package feed; the native library comes from the npm package onnxruntime-node. Only what evaluation and serving
/// need is bound: sessions from a file or bytes, their metadata, tensors over caller memory, and Run.
/// </remarks>
public sealed unsafe class OnnxRuntime : IDisposable
{
    /// <summary>The provider name ORT uses for CUDA.</summary>
    public const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>The provider name ORT uses for the CPU.</summary>
    public const string CpuProvider = "CPUExecutionProvider";

    private readonly OrtHandle _env;
    private readonly OrtHandle _cpuMemory;

    private OnnxRuntime(OrtApi api, OnnxLogLevel logLevel, ILogger logger)
    {
        Api = api;
        Logger = logger;
        nint env, memory, allocator;
        fixed (byte* logId = "workflows\0"u8)
        {
            api.Check(api.CreateEnv((int)logLevel, logId, &env));
        }

        _env = new OrtHandle(api.ReleaseEnv, env);
        // An arena-backed CPU description, as ORT's own bindings use for tensors over caller memory.
        api.Check(api.CreateCpuMemoryInfo(1, 0, &memory));
        _cpuMemory = new OrtHandle(api.ReleaseMemoryInfo, memory);
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        Allocator = allocator;
        AvailableProviders = ReadProviders(api);
    }

    /// <summary>The ORT C API version this binding asks the library for.</summary>
    public static uint ApiVersion => OrtApi.Version;

    /// <summary>The library's version, for example "1.30.0".</summary>
    public string Version => Api.LibraryVersion;

    /// <summary>The library file loaded.</summary>
    public string LibraryPath => Api.LibraryPath;

    /// <summary>
    /// The execution providers this build of the library knows. A provider listed here may still be unusable (the CPU
    /// build of onnxruntime-node lists CUDA but lacks its provider library), which session creation finds out.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    internal OrtApi Api { get; }

    internal ILogger Logger { get; }

    /// <summary>ORT's default CPU allocator; owned by ORT, never released.</summary>
    internal nint Allocator { get; }

    internal OrtHandle Env => _env;

    /// <summary>
    /// Loads ONNX Runtime as <paramref name="options"/> say (see <see cref="OnnxRuntimeOptions.LibraryPath"/>), checks
    /// the function table, and creates the environment.
    /// </summary>
    /// <exception cref="FileNotFoundException">No library was found; the message lists the paths tried.</exception>
    /// <exception cref="NotSupportedException">The library is too old for <see cref="ApiVersion"/>.</exception>
    public static OnnxRuntime Load(OnnxRuntimeOptions? options = null, ILogger<OnnxRuntime>? logger = null)
    {
        options ??= new OnnxRuntimeOptions();
        var api = OrtLibrary.Load(OrtLibrary.Locate(options));
        return new OnnxRuntime(api, options.LogLevel, (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>A session over the model file at <paramref name="modelPath"/>.</summary>
    public OnnxSession CreateSession(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var path = Marshal.StringToCoTaskMemUTF8(modelPath);
        try
        {
            return OnnxSessionFactory.Create(this, options ?? OnnxSessionOptions.Default, (byte*)path, null, 0, modelPath);
        }
        finally
        {
            Marshal.FreeCoTaskMem(path);
        }
    }

    /// <summary>A session over an ONNX model held in memory (ORT copies what it needs; the bytes may be reused after).</summary>
    public OnnxSession CreateSession(ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        fixed (byte* bytes = model)
        {
            return OnnxSessionFactory.Create(this, options ?? OnnxSessionOptions.Default, null, bytes, (nuint)model.Length, $"{model.Length} bytes in memory");
        }
    }

    /// <summary>
    /// A tensor over <paramref name="data"/> without copying it: ORT reads inputs from and writes pre-allocated outputs to
    /// this very memory. The memory stays pinned until the value is disposed (and any Run using it has returned).
    /// </summary>
    public OnnxValue CreateTensor<T>(Memory<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var pin = data.Pin();
        try
        {
            return CreateTensor((nint)pin.Pointer, (long)data.Length * sizeof(T), OnnxElementTypes.Of<T>(), shape, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="CreateTensor{T}(Memory{T}, ReadOnlySpan{long})"/>
    public OnnxValue CreateTensor<T>(T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged => CreateTensor(data.AsMemory(), shape);

    /// <summary>
    /// A tensor over native memory the caller owns and keeps alive (and unmoved) for as long as the value is used, for
    /// buffers that are not managed arrays.
    /// </summary>
    public OnnxValue CreateTensor(nint data, long byteLength, OnnxElementType elementType, params ReadOnlySpan<long> shape) =>
        CreateTensor(data, byteLength, elementType, shape, default);

    /// <summary>Releases this runtime's environment; ORT frees its process-wide one with the last session.</summary>
    public void Dispose()
    {
        _cpuMemory.Dispose();
        _env.Dispose();
    }

    /// <summary>GetAvailableProviders, copied and released.</summary>
    internal static string[] ReadProviders(OrtApi api)
    {
        byte** names;
        int count;
        api.Check(api.GetAvailableProviders(&names, &count));
        try
        {
            var providers = new string[count];
            for (var i = 0; i < count; i++)
            {
                providers[i] = Marshal.PtrToStringUTF8((nint)names[i]) ?? string.Empty;
            }

            return providers;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(names, count));
        }
    }

    private OnnxValue CreateTensor(nint data, long byteLength, OnnxElementType elementType, ReadOnlySpan<long> shape, System.Buffers.MemoryHandle pin)
    {
        var elements = 1L;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            elements = checked(elements * dimension);
        }

        nint value;
        bool added = false;
        _cpuMemory.DangerousAddRef(ref added);
        try
        {
            fixed (long* dims = shape)
            {
                // ORT checks the buffer is large enough for the shape and element type and says so if not.
                Api.Check(Api.CreateTensorWithDataAsOrtValue(_cpuMemory.DangerousGetHandle(), (void*)data, (nuint)byteLength, dims, (nuint)shape.Length, elementType, &value));
            }
        }
        finally
        {
            if (added)
            {
                _cpuMemory.DangerousRelease();
            }
        }

        return new OnnxValue(new OrtHandle(Api.ReleaseValue, value, pin), elementType, shape.ToArray(), elements);
    }
}
