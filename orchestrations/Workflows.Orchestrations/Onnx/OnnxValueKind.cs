namespace Workflows.Orchestrations.Onnx;

/// <summary>What a model input or output is (ORT's <c>ONNXType</c>); this binding runs tensors only.</summary>
public enum OnnxValueKind
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}
