namespace Workflows.Orchestrations.Training;

/// <summary>How a worker says its job ended.</summary>
public enum WorkerReportKind
{
    /// <summary>The trainer finished and the artifacts are uploaded.</summary>
    Completed,

    /// <summary>The trainer failed; <see cref="WorkerReport.Retryable"/> says whether another attempt could succeed.</summary>
    Failed,

    /// <summary>The worker was asked to stop and the trainer saved a checkpoint: queue again without using an attempt.</summary>
    Interrupted,
}

/// <summary>A worker's report of how its job ended.</summary>
public sealed record WorkerReport(WorkerReportKind Kind, TrainingResult? Result, string? Error, bool Retryable)
{
    /// <summary>Whether a job in <paramref name="state"/> is what this report leaves behind (so a repeat of it is not a conflict).</summary>
    public bool Explains(TrainingJobState state) => Kind switch
    {
        WorkerReportKind.Completed => state == TrainingJobState.Succeeded,
        WorkerReportKind.Interrupted => state == TrainingJobState.Queued,
        _ when Retryable => state is TrainingJobState.Failed or TrainingJobState.Queued,
        _ => state == TrainingJobState.Failed,
    };
}
