using System.Text.Json;

namespace Workflows.Orchestrations.Training;

/// <summary>A training job as stored: its spec, its state, the lease that holds it and what it reported.</summary>
public sealed record TrainingJob(
    string JobId,
    string RunId,
    string Pipeline,
    int Trial,
    string OrchestrationId,
    TrainingJobSpec Spec,
    TrainingJobState State,
    int Attempt,
    int MaxAttempts,
    string? WorkerId,
    JsonElement? Worker,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset? HeartbeatAt,
    JsonElement? Progress,
    string? CheckpointPath,
    int? CheckpointEpoch,
    DateTimeOffset Deadline,
    TrainingResult? Result,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt);

/// <summary>A job handed to a worker: the lease id authorizes everything the worker does with it until the lease ends.</summary>
public sealed record JobLease(string JobId, string RunId, int Trial, Guid LeaseId, int Attempt, int MaxAttempts, TrainingJobSpec Spec, string? CheckpointPath, int? CheckpointEpoch, DateTimeOffset LeaseExpiresAt);

/// <summary>What a heartbeat learns: whether the worker should go on.</summary>
/// <param name="Continue">True while the lease holds and the job is not cancelled.</param>
/// <param name="Reason">Why not: <c>cancelled</c>, <c>lease-lost</c> (the lease expired and another worker may hold it), or <c>ended</c>.</param>
public sealed record HeartbeatOutcome(bool Continue, string? Reason);
