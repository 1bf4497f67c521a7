using System.Runtime.InteropServices;

namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// Proves, once per loaded library, that the slots in <see cref="OrtApi"/> hold the functions the binding thinks they
/// do, by calls whose answers are known: a status round trip, the CPU allocator's memory info, a tensor over our own
/// memory read back, and the provider list. A table counted wrong fails here, loudly, instead of corrupting a Run.
/// </summary>
/// <remarks>
/// Slots the test cannot call harmlessly (sessions, Run, CUDA options) sit between and after the ones it does;
/// since the table only ever grows at its end, a correct neighbour on both sides is strong evidence for them.
/// </remarks>
internal static unsafe class OrtSelfTest
{
    private const string Probe = "workflows self-test";

    public static void Run(OrtApi api)
    {
        // Slots 0-2 and 93: the code and message must come back as given.
        var message = Marshal.StringToCoTaskMemUTF8(Probe);
        try
        {
            var status = api.CreateStatus(OrtErrorCode.InvalidGraph, (byte*)message);
            Expect(api, status != 0, "CreateStatus returned null");
            var code = api.GetErrorCode(status);
            var text = Marshal.PtrToStringUTF8((nint)api.GetErrorMessage(status));
            api.ReleaseStatus(status);
            Expect(api, code == OrtErrorCode.InvalidGraph && text == Probe, $"CreateStatus/GetErrorCode/GetErrorMessage round trip gave ({code}, \"{text}\")");
        }
        finally
        {
            Marshal.FreeCoTaskMem(message);
        }

        // Slots 71, 77, 78: the default allocator allocates on the CPU.
        nint allocator, allocatorInfo;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        api.Check(api.AllocatorGetInfo(allocator, &allocatorInfo));
        Expect(api, Name(api, allocatorInfo) == "Cpu", $"the default allocator's MemoryInfoGetName gave \"{Name(api, allocatorInfo)}\"");

        // Slots 69, 94 and the tensor slots 49-51, 60-62, 64-65, 96, 99: a 2x3 float tensor over a stack buffer.
        nint memoryInfo;
        api.Check(api.CreateCpuMemoryInfo(1, 0, &memoryInfo));
        using var memory = new OrtHandle(api.ReleaseMemoryInfo, memoryInfo);
        Expect(api, Name(api, memoryInfo) == "Cpu", $"CreateCpuMemoryInfo's name is \"{Name(api, memoryInfo)}\"");
        var data = stackalloc float[6];
        var shape = stackalloc long[] { 2, 3 };
        nint value;
        api.Check(api.CreateTensorWithDataAsOrtValue(memoryInfo, data, 6 * sizeof(float), shape, 2, OnnxElementType.Float, &value));
        using var tensor = new OrtHandle(api.ReleaseValue, value);
        int isTensor;
        void* pointer;
        api.Check(api.IsTensor(value, &isTensor));
        api.Check(api.GetTensorMutableData(value, &pointer));
        Expect(api, isTensor == 1 && pointer == data, "IsTensor/GetTensorMutableData do not describe a tensor made over our buffer");
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info));
        using var infoHandle = new OrtHandle(api.ReleaseTensorTypeAndShapeInfo, info);
        OnnxElementType type;
        nuint rank, count;
        var dims = stackalloc long[2];
        api.Check(api.GetTensorElementType(info, &type));
        api.Check(api.GetDimensionsCount(info, &rank));
        api.Check(api.GetDimensions(info, dims, 2));
        api.Check(api.GetTensorShapeElementCount(info, &count));
        Expect(api, type == OnnxElementType.Float && rank == 2 && dims[0] == 2 && dims[1] == 3 && count == 6,
            $"a float[2, 3] tensor reads back as {type}, rank {rank}, [{dims[0]}, {dims[1]}], {count} elements");

        // Slots 125-126: the CPU provider is in every build.
        Expect(api, OnnxRuntime.ReadProviders(api).Contains("CPUExecutionProvider"), "GetAvailableProviders does not list CPUExecutionProvider");
    }

    private static string? Name(OrtApi api, nint memoryInfo)
    {
        byte* name;
        api.Check(api.MemoryInfoGetName(memoryInfo, &name));
        return Marshal.PtrToStringUTF8((nint)name);
    }

    private static void Expect(OrtApi api, bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(
                $"ONNX Runtime self-test failed for {api.LibraryPath} (version {api.LibraryVersion}, C API {OrtApi.Version}): {failure}. " +
                "The binding's function table slots do not match this library.");
        }
    }
}
