using Workflows.Orchestrations.Monitoring;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>The input of a pipeline's drift monitor: which pipeline, on which NCRONTAB schedule.</summary>
public sealed record DriftMonitorInput(string Pipeline, string Schedule)
{
    public static DriftMonitorInput Start(string pipeline, string schedule) => new(pipeline, schedule);
}

/// <summary>The input of one scheduled check.</summary>
public sealed record CheckDriftInput(string Pipeline, DateTimeOffset Occurrence);

/// <summary>What a check found; <paramref name="ReportId"/> is null when nothing is in production to check.</summary>
public sealed record DriftCheckOutcome(long? ReportId, int? Version, DriftVerdict? Verdict, string Summary, bool RetrainOnDrift);

/// <summary>The input of starting a retraining run for a drift report.</summary>
public sealed record StartRetrainInput(string Pipeline, long ReportId);

/// <summary>Whether a retraining run was started for a report, and why (not).</summary>
public sealed record RetrainDecision(string? RunId, string Note);
