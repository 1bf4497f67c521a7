namespace Workflows.Orchestrations.Onnx;

/// <summary>
/// An error ONNX Runtime reported through an <c>OrtStatus</c>: its code and its own message, unchanged, so a bad model,
/// a wrong input shape or type reads exactly as ORT describes it. The native call failed cleanly; the process, the
/// session and its inputs stay usable.
/// </summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException()
    {
    }

    public OnnxRuntimeException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OnnxRuntimeException(OrtErrorCode errorCode, string message)
        : base($"[ONNX Runtime {errorCode}] {message}")
    {
        ErrorCode = errorCode;
        OrtMessage = message;
    }

    /// <summary>ORT's error code (<see cref="OrtErrorCode.Fail"/> when constructed without one).</summary>
    public OrtErrorCode ErrorCode { get; } = OrtErrorCode.Fail;

    /// <summary>ORT's message, without the code prefix.</summary>
    public string OrtMessage { get; } = string.Empty;
}
