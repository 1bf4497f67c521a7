using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>How a job ended on this worker, before it is reported.</summary>
internal enum JobReportKind
{
    /// <summary>Nothing to report: the host stopped the job (cancelled, lease lost).</summary>
    None,
    Completed,
    Failed,
    Interrupted,
}

/// <summary>How a job ended on this worker, and what goes with the report.</summary>
internal sealed record JobReport(JobReportKind Kind, TrainerSummary? Summary, string? OutputDirectory, string? Error, bool Retryable, int? CheckpointEpoch)
{
    public static JobReport None { get; } = new(JobReportKind.None, null, null, null, false, null);

    public static JobReport Completed(TrainerSummary summary, string outputDirectory) => new(JobReportKind.Completed, summary, outputDirectory, null, false, null);

    public static JobReport Failed(string error, bool retryable) => new(JobReportKind.Failed, null, null, error, retryable, null);

    public static JobReport Interrupted(int? checkpointEpoch) => new(JobReportKind.Interrupted, null, null, null, true, checkpointEpoch);
}
