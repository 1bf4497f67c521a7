namespace Workflows.Orchestrations.Onnx;

/// <summary>How a session is created. The defaults suit a shared CPU machine serving small models.</summary>
public sealed record OnnxSessionOptions
{
    public static OnnxSessionOptions Default { get; } = new();

    /// <summary>Threads one Run uses inside an operator; 0 lets ORT pick (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads that run independent operators in parallel (parallel execution mode only); 0 lets ORT pick.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether ORT's intra-op threads spin while waiting for work. Spinning shaves microseconds off a Run on idle
    /// dedicated cores and burns shared ones, so it is off unless asked for.
    /// </summary>
    public bool AllowSpinning { get; init; }

    public OnnxGraphOptimization GraphOptimization { get; init; } = OnnxGraphOptimization.All;

    /// <summary>The provider asked for; <see cref="OnnxSession.ExecutionProvider"/> says which one the session got.</summary>
    public OnnxExecutionProvider ExecutionProvider { get; init; } = OnnxExecutionProvider.Cpu;

    /// <summary>The CUDA device, when <see cref="ExecutionProvider"/> is CUDA.</summary>
    public int CudaDeviceId { get; init; }
}
