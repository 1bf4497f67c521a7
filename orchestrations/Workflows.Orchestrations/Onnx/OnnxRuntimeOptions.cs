namespace Workflows.Orchestrations.Onnx;

/// <summary>Where the ONNX Runtime library is and how loudly it logs; bound from host.json's <c>workflows:onnxRuntime</c> section.</summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "workflows:onnxRuntime";

    /// <summary>The environment variable that names the library when <see cref="LibraryPath"/> is not set.</summary>
    public const string LibraryPathVariable = "WORKFLOWS_ONNXRUNTIME_LIBRARY";

    /// <summary>
    /// The path of <c>libonnxruntime.so.1</c> (ORT 1.x serving C API version 11 or later). When null, WORKFLOWS_ONNXRUNTIME_LIBRARY,
    /// then the copy <c>./wf setup</c> installs under <c>infra/local/node_modules/onnxruntime-node</c>, found by searching
    /// upward from the application and the current directory.
    /// </summary>
    public string? LibraryPath { get; set; }

    /// <summary>The least severe message ORT writes to stderr; ORT's own default is Warning.</summary>
    public OnnxLogLevel LogLevel { get; set; } = OnnxLogLevel.Warning;
}
