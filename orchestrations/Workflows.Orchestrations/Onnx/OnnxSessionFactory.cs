using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// Turns <see cref="OnnxSessionOptions"/> into ORT session options and creates the session, falling back from CUDA to
/// the CPU. A model must still run when the GPU cannot be had: a missing provider library, a CPU-only build, or no
/// device all become a warning, not a failed deployment.
/// </summary>
internal static unsafe class OnnxSessionFactory
{
    public static OnnxSession Create(OnnxRuntime runtime, OnnxSessionOptions options, byte* path, void* bytes, nuint length, string model)
    {
        if (options.ExecutionProvider == OnnxExecutionProvider.Cuda)
        {
            if (!runtime.AvailableProviders.Contains(OnnxRuntime.CudaProvider))
            {
                runtime.Logger.LogWarning(
                    "CUDA was requested for {Model}, but ONNX Runtime {Version} at {Library} offers only {Providers}; running on the CPU",
                    model, runtime.Version, runtime.LibraryPath, string.Join(", ", runtime.AvailableProviders));
            }
            else
            {
                try
                {
                    return Open(runtime, options, cuda: true, path, bytes, length);
                }
                catch (OnnxRuntimeException e)
                {
                    // Either appending the provider failed (its library is missing) or the session could not start on
                    // the device. A model that is itself broken fails again below, with the CPU's message.
                    runtime.Logger.LogWarning(
                        "CUDA was requested for {Model}, but ONNX Runtime {Version} could not use it ({Reason}); running on the CPU",
                        model, runtime.Version, e.OrtMessage);
                }
            }
        }

        return Open(runtime, options, cuda: false, path, bytes, length);
    }

    private static OnnxSession Open(OnnxRuntime runtime, OnnxSessionOptions options, bool cuda, byte* path, void* bytes, nuint length)
    {
        var api = runtime.Api;
        nint raw;
        api.Check(api.CreateSessionOptions(&raw));
        using var sessionOptions = new OrtHandle(api.ReleaseSessionOptions, raw);
        api.Check(api.SetIntraOpNumThreads(raw, options.IntraOpThreads));
        api.Check(api.SetInterOpNumThreads(raw, options.InterOpThreads));
        api.Check(api.SetSessionGraphOptimizationLevel(raw, (int)options.GraphOptimization));
        var spinning = options.AllowSpinning ? "1" : "0";
        AddConfig(api, raw, "session.intra_op.allow_spinning", spinning);
        AddConfig(api, raw, "session.inter_op.allow_spinning", spinning);
        if (cuda)
        {
            AppendCuda(api, raw, options.CudaDeviceId);
        }

        // ORT requires the environment to outlive every session made in it, so the session holds a reference on it.
        var added = false;
        runtime.Env.DangerousAddRef(ref added);
        try
        {
            nint session;
            var env = runtime.Env.DangerousGetHandle();
            api.Check(path is not null
                ? api.CreateSession(env, path, raw, &session)
                : api.CreateSessionFromArray(env, bytes, length, raw, &session));
            var handle = new OrtHandle(api.ReleaseSession, session, parent: runtime.Env);
            added = false;
            return new OnnxSession(runtime, handle, cuda ? OnnxRuntime.CudaProvider : OnnxRuntime.CpuProvider);
        }
        finally
        {
            if (added)
            {
                runtime.Env.DangerousRelease();
            }
        }
    }

    private static void AppendCuda(OrtApi api, nint sessionOptions, int deviceId)
    {
        nint raw;
        api.Check(api.CreateCudaProviderOptions(&raw));
        using var cudaOptions = new OrtHandle(api.ReleaseCudaProviderOptions, raw);
        var key = Marshal.StringToCoTaskMemUTF8("device_id");
        var value = Marshal.StringToCoTaskMemUTF8(deviceId.ToString(CultureInfo.InvariantCulture));
        try
        {
            api.Check(api.UpdateCudaProviderOptions(raw, (byte**)&key, (byte**)&value, 1));
        }
        finally
        {
            Marshal.FreeCoTaskMem(key);
            Marshal.FreeCoTaskMem(value);
        }

        // ORT copies the provider options into the session options, so they are released right after.
        api.Check(api.SessionOptionsAppendExecutionProviderCudaV2(sessionOptions, raw));
    }

    private static void AddConfig(OrtApi api, nint sessionOptions, string key, string value)
    {
        var k = Marshal.StringToCoTaskMemUTF8(key);
        var v = Marshal.StringToCoTaskMemUTF8(value);
        try
        {
            api.Check(api.AddSessionConfigEntry(sessionOptions, (byte*)k, (byte*)v));
        }
        finally
        {
            Marshal.FreeCoTaskMem(k);
            Marshal.FreeCoTaskMem(v);
        }
    }
}
