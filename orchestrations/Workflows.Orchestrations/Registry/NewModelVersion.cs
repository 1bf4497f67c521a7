namespace Workflows.Orchestrations.Registry;

/// <summary>What registering a model needs; the registry numbers it.</summary>
public sealed record NewModelVersion(
    string Pipeline,
    string ModelSha256,
    string ModelPath,
    string ManifestPath,
    string EvaluationPath,
    IReadOnlyDictionary<string, double?> Metrics,
    ModelLineage Lineage);
