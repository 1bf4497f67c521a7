using System.Text.Json;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>One training job of a run: a trial of its sweep, or the only one.</summary>
/// <param name="JobId">The job's id: the run's id and the trial number.</param>
/// <param name="RunId">The run it trains for.</param>
/// <param name="Pipeline">The run's pipeline.</param>
/// <param name="Trial">The trial's number in the sweep grid (0 without a sweep).</param>
/// <param name="Spec">What the worker runs.</param>
/// <param name="MaxAttempts">Leases it may use up (lost workers, retryable failures) before it fails.</param>
/// <param name="Timeout">How long the job may take from being queued; past it the job fails.</param>
/// <param name="CheckInterval">How often the watching orchestration looks at the job while it waits.</param>
public sealed record TrainingJobRequest(string JobId, string RunId, string Pipeline, int Trial, TrainingJobSpec Spec, int MaxAttempts, TimeSpan Timeout, TimeSpan CheckInterval);

/// <summary>How a training job ended.</summary>
public sealed record TrainingJobOutcome(string JobId, int Trial, TrainingJobState State, int Attempts, IReadOnlyDictionary<string, JsonElement> Hyperparameters, TrainingResult? Result, string? Error);

/// <summary>A run's training: its trials, how many run at once, and how the best is picked.</summary>
public sealed record TrainingPlan(IReadOnlyList<TrainingJobRequest> Trials, int MaxParallelTrials, string PrimaryMetric, bool LowerIsBetter);

/// <summary>The training stage's result: every trial, and the best.</summary>
public sealed record TrainingOutcome(IReadOnlyList<TrainingJobOutcome> Trials, TrainingJobOutcome Best, string PrimaryMetric);

/// <summary>Raised on a TrainingJob orchestration when its job ends, so it need not wait for its next check.</summary>
public sealed record JobCompletedEvent(string JobId, TrainingJobState State)
{
    public const string Name = "JobCompleted";
}

/// <summary>The TrainingJob orchestration's input.</summary>
/// <param name="Request">The job.</param>
/// <param name="Enqueued">True once it has continued as new: the job is queued already.</param>
public sealed record TrainingJobWatch(TrainingJobRequest Request, bool Enqueued);
