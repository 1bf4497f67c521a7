using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>The input of the evaluate stage: the best trial's model and the split it is judged on.</summary>
public sealed record EvaluateCandidateInput(string RunId, string Pipeline, ExportRef Export, TrainingJobOutcome Best);

/// <summary>
/// The evaluate stage's result: the candidate's test metrics and report, the production model's metrics on the
/// same split, the gate's automatic checks, and how the definition says a passing model deploys (read once here,
/// so an edit of the definition mid-run cannot change what the rest of the run does). <c>ProductionMustStay</c>: the
/// gate's verdict depends on which model is in production (must-beat-production), so the deploy goes ahead only if
/// production is still the one the candidate was compared with.
/// </summary>
public sealed record CandidateEvaluation(
    string ReportPath,
    long TestRows,
    IReadOnlyDictionary<string, double?> Metrics,
    string PrimaryMetric,
    ProductionComparison Production,
    GateDecision Gate,
    DeployDefinition Deploy,
    bool ProductionMustStay);

/// <summary>The input of registering a run's candidate.</summary>
public sealed record RegisterModelInput(string RunId, string Pipeline, DatasetRef Dataset, ExportRef Export, TrainingJobOutcome Best, CandidateEvaluation Evaluation);

/// <summary>A registered model version as a run refers to it.</summary>
public sealed record ModelVersionRef(string Pipeline, int Version, string ModelSha256);

/// <summary>The input of recording the gate's decision on a version.</summary>
public sealed record RecordGateInput(string Pipeline, int Version, GateDecision Decision);

/// <summary>The input of the deploy stage; with a <c>Guard</c>, production must still be its version or the deploy is called off.</summary>
public sealed record DeployModelInput(string RunId, string Pipeline, int Version, DeployDefinition Deploy, ProductionGuard? Guard);

/// <summary>The production version a decision was made against; null when nothing was in production.</summary>
public sealed record ProductionGuard(int? Version)
{
    /// <summary>Why a deploy must not go ahead with <paramref name="production"/> in production now; null when it may.</summary>
    public string? Moved(int? production, int candidate) => production == Version
        ? null
        : $"production moved to {Name(production)} after v{candidate} was judged against {Name(Version)}; run again to judge it against the new one";

    /// <summary>A production version in words: <c>v3</c>, or <c>nothing</c>.</summary>
    public static string Name(int? version) => version is { } v ? $"v{v}" : "nothing";
}

/// <summary>Where a deploy put the model.</summary>
/// <param name="Alias">The alias now naming it: production, or candidate while it is staged.</param>
/// <param name="Version">The model version.</param>
/// <param name="Production">The production version while staged, the one it replaced once live; null when there was none.</param>
/// <param name="TrafficPercent">The share of requests it answers while a canary.</param>
/// <param name="Shadow">Whether it is staged as a shadow.</param>
/// <param name="AbortedBecause">Why a staged model was not promoted; null otherwise.</param>
public sealed record Deployment(string Alias, int Version, int? Production, int TrafficPercent, bool Shadow, string? AbortedBecause = null)
{
    /// <summary>Whether it is staged (a canary or shadow) rather than in production.</summary>
    public bool Staged => Alias == ModelAliases.Candidate && AbortedBecause is null;

    /// <summary>A deploy called off: no alias names the model, production stays <paramref name="production"/>.</summary>
    public static Deployment Aborted(int version, int? production, string why) => new("", version, production, 0, false, why);
}

/// <summary>
/// A person's decision on a staged model, raised on the run as the <c>Canary</c> event: promote now, or abort and
/// leave production as it is. Without one, the model is promoted when its canary duration ends.
/// </summary>
public sealed record CanaryEvent(bool Promote, string? By, string? Comment)
{
    public const string Name = "Canary";
}

/// <summary>The input of ending a staged deploy; <c>Guard</c> is the production the model was staged beside.</summary>
public sealed record FinishStagedDeployInput(string RunId, string Pipeline, int Version, bool Promote, string Reason, ProductionGuard Guard);

/// <summary>The input of recording the monitoring baseline of a deployed model.</summary>
public sealed record RecordBaselineInput(string RunId, string Pipeline, int Version, ExportRef Export);

/// <summary>Where the baseline was written and what it covers.</summary>
public sealed record BaselineRef(string Path, int Features, long Rows);
