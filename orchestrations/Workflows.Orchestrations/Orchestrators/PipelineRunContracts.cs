using System.Text.Json;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>The input of a PipelineRun.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="DatasetVersion">The dataset version to train on; null for the latest.</param>
/// <param name="Overrides">Hyperparameter values that replace the definition's for this run.</param>
/// <param name="Trigger">What started it: <c>http</c>, <c>schedule</c>, <c>ingestion</c>, <c>cli</c>, <c>drift</c>.</param>
public sealed record PipelineRunRequest(string Pipeline, int? DatasetVersion, IReadOnlyDictionary<string, JsonElement>? Overrides, string Trigger);

/// <summary>A dataset version as a run refers to it.</summary>
public sealed record DatasetRef(string Dataset, int Version, string ContentSha256, string DataPath, long RowCount);

/// <summary>Where a run's training-ready export is, and what it holds.</summary>
public sealed record ExportRef(string Path, long TrainRows, long ValidationRows, long TestRows, int Features, IReadOnlyList<string>? Classes);

/// <summary>What a PipelineRun produced, as far as it got.</summary>
public sealed record PipelineRunResult(string Pipeline, DatasetRef Dataset, ExportRef Export, TrainingOutcome Training);
