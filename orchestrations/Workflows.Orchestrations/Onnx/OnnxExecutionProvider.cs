namespace Workflows.Orchestrations.Onnx;

/// <summary>Where a session runs. CUDA falls back to the CPU, with a warning, when the library or the machine cannot provide it.</summary>
public enum OnnxExecutionProvider
{
    Cpu,
    Cuda,
}
