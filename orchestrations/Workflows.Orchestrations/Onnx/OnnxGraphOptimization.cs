namespace Workflows.Orchestrations.Onnx;

/// <summary>ORT's <c>GraphOptimizationLevel</c>: how much ORT rewrites the graph when a session is created.</summary>
public enum OnnxGraphOptimization
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
