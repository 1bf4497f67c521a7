using Workflows.Orchestrations.Onnx;

namespace Workflows.Orchestrations.Tests.Onnx;

/// <summary>One ONNX Runtime for the test process, as a host would hold one; found the way the host finds it.</summary>
public static class TestOnnx
{
    private static readonly Lazy<OnnxRuntime> Shared = new(() => OnnxRuntime.Load());

    public static OnnxRuntime Runtime => Shared.Value;
}
