namespace Workflows.Orchestrations.Runs;

/// <summary>The stages of a pipeline run, in order.</summary>
public static class RunStages
{
    public const string ResolveDataset = "resolve-dataset";
    public const string Validate = "validate";
    public const string Split = "split";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
    public const string Gate = "gate";
    public const string Deploy = "deploy";
    public const string Baseline = "baseline";

    /// <summary>Every stage, in the order a run goes through them.</summary>
    public static IReadOnlyList<string> All { get; } = [ResolveDataset, Validate, Split, Train, Evaluate, Gate, Deploy, Baseline];

    /// <summary>The position of a stage in <see cref="All"/>.</summary>
    public static int Ordinal(string stage) => All.ToList().IndexOf(stage);
}

/// <summary>How a stage ended, or that it is running.</summary>
public enum StageOutcome
{
    Running,
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One stage of a run as recorded.</summary>
public sealed record RunStage(string Stage, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, StageOutcome Outcome, string? Detail)
{
    /// <summary>How long it ran, or has been running.</summary>
    public TimeSpan? Duration => EndedAt - StartedAt;
}
