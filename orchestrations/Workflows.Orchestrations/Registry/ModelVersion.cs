using Workflows.Orchestrations.Evaluation;

namespace Workflows.Orchestrations.Registry;

/// <summary>
/// One registered model of a pipeline. Immutable once registered, except for the gate's decision, which is recorded
/// after the version exists so a rejected model is kept (and can be compared) too.
/// </summary>
/// <param name="Pipeline">The pipeline that trained it.</param>
/// <param name="Version">1, 2, ... per pipeline, in registration order.</param>
/// <param name="ModelSha256">SHA-256 of the ONNX file.</param>
/// <param name="ModelPath">Artifact-store path of the ONNX file.</param>
/// <param name="ManifestPath">Artifact-store path of the export manifest: the model's input layout (feature names, encodings).</param>
/// <param name="EvaluationPath">Artifact-store path of the evaluation report on the test split.</param>
/// <param name="Metrics">The test-split metrics from the evaluation, by name; null where a metric is undefined.</param>
/// <param name="Lineage">Where it came from.</param>
/// <param name="Gate">The gate's decision, once made.</param>
/// <param name="BaselinePath">Artifact-store path of the monitoring baseline, once deployed.</param>
/// <param name="CreatedAt">When it was registered.</param>
public sealed record ModelVersion(
    string Pipeline,
    int Version,
    string ModelSha256,
    string ModelPath,
    string ManifestPath,
    string EvaluationPath,
    IReadOnlyDictionary<string, double?> Metrics,
    ModelLineage Lineage,
    GateDecision? Gate,
    string? BaselinePath,
    DateTimeOffset CreatedAt);
