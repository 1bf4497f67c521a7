namespace Workflows.Orchestrations.Registry;

/// <summary>
/// Where a run's model files live in the artifact store: <c>models/&lt;pipeline&gt;/runs/&lt;run&gt;/</c>. Keyed by run, not
/// version, so files can be written before the version is numbered and a retried write lands on the same path.
/// </summary>
public static class ModelPaths
{
    public const string Model = "model.onnx";
    public const string Manifest = "manifest.json";
    public const string Evaluation = "evaluation.json";
    public const string Baseline = "baseline.json";

    /// <summary>The trainer's own files kept beside the model.</summary>
    public static IReadOnlyList<string> TrainerFiles { get; } = ["model.json", "metrics.json"];

    public static string Of(string pipeline, string runId, string file) => $"models/{pipeline}/runs/{Uri.EscapeDataString(runId)}/{file}";
}
