using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Orchestrations.Evaluation;

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

/// <summary>What a PipelineRun produced: the data, the training, the registered model and what became of it.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Dataset">The dataset version it trained on.</param>
/// <param name="Export">The split.</param>
/// <param name="Training">Every trial and the best.</param>
/// <param name="Evaluation">The best trial's model on the test split, beside production's.</param>
/// <param name="Model">The version it registered.</param>
/// <param name="Gate">Why the model passed or failed the gate.</param>
/// <param name="Outcome">Whether the model went live, was rejected by the gate, or its staged deploy was aborted.</param>
/// <param name="Deployment">Where the model went; null when it did not deploy.</param>
/// <param name="Baseline">The monitoring baseline recorded for it; null when it did not deploy.</param>
public sealed record PipelineRunResult(
    string Pipeline,
    DatasetRef Dataset,
    ExportRef Export,
    TrainingOutcome Training,
    CandidateEvaluation Evaluation,
    ModelVersionRef Model,
    GateDecision Gate,
    ModelOutcome Outcome,
    Deployment? Deployment,
    BaselineRef? Baseline);

/// <summary>What became of a run's model.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelOutcome>))]
public enum ModelOutcome
{
    /// <summary>It serves as production.</summary>
    Deployed,

    /// <summary>It failed the gate (a threshold, production, or the approval); production is unchanged.</summary>
    Rejected,

    /// <summary>Its canary or shadow deploy was called off; production is unchanged.</summary>
    Aborted,
}
