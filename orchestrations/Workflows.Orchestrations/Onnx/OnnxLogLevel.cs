namespace Workflows.Orchestrations.Onnx;

/// <summary>ORT's <c>OrtLoggingLevel</c>: the least severe message its default logger writes to stderr.</summary>
public enum OnnxLogLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}
