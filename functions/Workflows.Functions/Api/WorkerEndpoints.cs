using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Durable;
using Workflows.GpuWorker.Protocol;
using Workflows.Orchestrations.Artifacts;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Api;

/// <summary>
/// The worker protocol (<c>/api/worker/...</c>, worker token): lease a job, heartbeat, fetch its data and checkpoint,
/// upload artifacts, complete or fail it. Every call about a job names its lease; a call whose lease is gone gets 409.
/// </summary>
public static class WorkerEndpoints
{
    private static readonly JsonSerializerOptions ProgressJson = new(JsonSerializerDefaults.Web);

    public static void MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        var worker = app.MapGroup("/api/worker/jobs").RequireWorkerToken().WithTags("Worker protocol");
        worker.MapPost("/lease", LeaseAsync).WithSummary("Lease a job (long poll)");
        worker.MapPost("/{id}/heartbeat", HeartbeatAsync).WithSummary("Extend the lease and report progress; says whether to go on");
        worker.MapGet("/{id}/data/{file}", DataAsync).WithSummary("A file of the job's training-ready export");
        worker.MapGet("/{id}/checkpoint", CheckpointAsync).WithSummary("The checkpoint an earlier attempt left");
        worker.MapPut("/{id}/artifacts/{name}", UploadAsync).WithSummary("Upload a checkpoint or a final artifact");
        worker.MapPost("/{id}/complete", CompleteAsync).WithSummary("The job succeeded");
        worker.MapPost("/{id}/fail", FailAsync).WithSummary("The job failed or was interrupted");
    }

    /// <summary>Where a job's artifacts live in the artifact store.</summary>
    private static string ArtifactPath(string jobId, string name) => $"jobs/{jobId}/{name}";

    /// <summary>Where the attempt under <paramref name="leaseId"/> puts a final artifact.</summary>
    private static string FinalArtifactPath(string jobId, Guid leaseId, string name) => ArtifactPath(jobId, $"{leaseId:N}/{name}");

    private static async Task<IResult> LeaseAsync(LeaseRequest body, TrainingJobStore jobs, IOptions<TrainingOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.WorkerId) || body.Devices is not { Count: > 0 })
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad lease request", detail: "A lease request needs 'workerId' and at least one device in 'devices'.");
        }

        var settings = options.Value;
        var wait = TimeSpan.FromSeconds(Math.Clamp(body.WaitSeconds, 0, settings.LongPollTimeout.TotalSeconds));
        var worker = JsonSerializer.Serialize(body, ProgressJson);
        var lease = await jobs.LeaseAsync(body.WorkerId, worker, body.Devices.Any(d => d.IsGpu), settings.LeaseDuration, wait, cancellationToken);
        if (lease is null)
        {
            return Results.NoContent();
        }

        var spec = lease.Spec;
        var job = new TrainerJob(lease.JobId, lease.RunId, lease.Trial, spec.Trainer, spec.Task == ModelTask.Classification ? "classification" : "regression",
            spec.Device, spec.Hyperparameters, spec.Seed, spec.CheckpointEvery, spec.PrimaryMetric);
        return Results.Ok(new LeasedJob(lease.JobId, lease.LeaseId, lease.Attempt, lease.MaxAttempts, job, spec.DataFiles,
            lease.CheckpointPath is null ? null : lease.CheckpointEpoch ?? 0, settings.HeartbeatInterval.TotalSeconds, settings.LeaseDuration.TotalSeconds));
    }

    private static async Task<IResult> HeartbeatAsync(string id, HeartbeatRequest body, TrainingJobStore jobs, IOptions<TrainingOptions> options, CancellationToken cancellationToken)
    {
        var progress = body.Progress is null ? null : JsonSerializer.Serialize(body.Progress, ProgressJson);
        var outcome = await jobs.HeartbeatAsync(id, body.LeaseId, progress, options.Value.LeaseDuration, cancellationToken);
        return Results.Ok(new HeartbeatReply(outcome.Continue, outcome.Reason));
    }

    private static async Task<IResult> DataAsync(string id, string file, HttpRequest request, TrainingJobStore jobs, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var (job, refusal) = await LeasedJobAsync(id, request, jobs, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!job!.Spec.DataFiles.Contains(file))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown data file", detail: $"Job '{id}' has no data file '{file}'; it has {string.Join(", ", job.Spec.DataFiles)}.");
        }

        return await StreamAsync(artifacts, job.Spec.ExportPath + file, cancellationToken);
    }

    private static async Task<IResult> CheckpointAsync(string id, HttpRequest request, TrainingJobStore jobs, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        var (job, refusal) = await LeasedJobAsync(id, request, jobs, cancellationToken);
        return refusal ?? (job!.CheckpointPath is null
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No checkpoint", detail: $"Job '{id}' has no checkpoint yet.")
            : await StreamAsync(artifacts, job.CheckpointPath, cancellationToken));
    }

    private static async Task<IResult> UploadAsync(string id, string name, int? epoch, HttpRequest request, TrainingJobStore jobs, IArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (!JobArtifacts.IsKnown(name))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown artifact",
                detail: $"'{name}' is not an artifact a job uploads; expected {JobArtifacts.Checkpoint} or {string.Join(", ", JobArtifacts.Final)}.");
        }

        var (_, refusal) = await LeasedJobAsync(id, request, jobs, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        // Each attempt writes under its own lease id, and the job points at what its lease wrote: an upload that a lost
        // lease finishes late cannot replace the checkpoint or the model of the worker that took the job over.
        var leaseId = LeaseIdOf(request)!.Value;
        var path = name == JobArtifacts.Checkpoint ? ArtifactPath(id, $"checkpoints/{leaseId:N}.pt") : FinalArtifactPath(id, leaseId, name);
        await artifacts.PutAsync(path, request.Body, cancellationToken);
        if (name == JobArtifacts.Checkpoint && !await jobs.SetCheckpointAsync(id, leaseId, path, epoch, cancellationToken))
        {
            return LeaseGone(id);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> CompleteAsync(string id, CompleteRequest body, TrainingJobStore jobs, IArtifactStore artifacts, DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await jobs.HoldsLeaseAsync(id, body.LeaseId, cancellationToken))
        {
            // A retried completion finds the job already ended by it; anything else has lost the lease.
            return await ReportAsync(id, body.LeaseId, new WorkerReport(WorkerReportKind.Completed, null, null, false), jobs, client, loggers, cancellationToken);
        }

        var missing = new List<string>();
        foreach (var name in JobArtifacts.Final)
        {
            if (await artifacts.GetInfoAsync(FinalArtifactPath(id, body.LeaseId, name), cancellationToken) is null)
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Artifacts missing", detail: $"Job '{id}' cannot complete before {string.Join(", ", missing)} is uploaded.");
        }

        var summary = body.Result;
        var result = new TrainingResult(summary.Metrics, summary.BestEpoch, summary.EpochsRun, summary.StartEpoch, summary.SamplesPerSecond, summary.TrainSeconds, summary.Device,
            JobArtifacts.Final.ToDictionary(name => name, name => FinalArtifactPath(id, body.LeaseId, name)));
        return await ReportAsync(id, body.LeaseId, new WorkerReport(WorkerReportKind.Completed, result, null, false), jobs, client, loggers, cancellationToken);
    }

    private static Task<IResult> FailAsync(string id, FailRequest body, TrainingJobStore jobs, DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ReportAsync(id, body.LeaseId, new WorkerReport(body.Interrupted ? WorkerReportKind.Interrupted : WorkerReportKind.Failed, null, body.Error, body.Retryable), jobs, client, loggers, cancellationToken);

    /// <summary>Records the ending and wakes the job's orchestration when the job is over (its own check would find it later anyway).</summary>
    private static async Task<IResult> ReportAsync(string id, Guid leaseId, WorkerReport report, TrainingJobStore jobs, DurableTaskClient client, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var job = await jobs.ReportAsync(id, leaseId, report, cancellationToken);
        if (job is null)
        {
            return LeaseGone(id);
        }

        if (job.State.IsTerminal())
        {
            try
            {
                await client.RaiseEventAsync(job.OrchestrationId, JobCompletedEvent.Name, new JobCompletedEvent(job.JobId, job.State), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                loggers.CreateLogger(typeof(WorkerEndpoints)).LogWarning(ex, "Job {JobId} ended, but its orchestration was not woken; its next check will see it", id);
            }
        }

        return Results.Ok(new { job.JobId, job.State, job.Attempt });
    }

    /// <summary>The job, when the request's lease holds it; else the answer to give.</summary>
    private static async Task<(TrainingJob? Job, IResult? Refusal)> LeasedJobAsync(string id, HttpRequest request, TrainingJobStore jobs, CancellationToken cancellationToken)
    {
        if (LeaseIdOf(request) is not { } leaseId)
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Lease id missing", detail: $"Send the lease id in the {JobArtifacts.LeaseHeader} header."));
        }

        if (!await jobs.HoldsLeaseAsync(id, leaseId, cancellationToken))
        {
            return (null, LeaseGone(id));
        }

        return (await jobs.GetAsync(id, cancellationToken), null);
    }

    private static Guid? LeaseIdOf(HttpRequest request) => Guid.TryParse(request.Headers[JobArtifacts.LeaseHeader].FirstOrDefault(), out var id) ? id : null;

    private static IResult LeaseGone(string id) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Lease gone", detail: $"This worker no longer holds job '{id}': it expired, was cancelled or ended.");

    private static async Task<IResult> StreamAsync(IArtifactStore artifacts, string path, CancellationToken cancellationToken) =>
        await artifacts.OpenReadAsync(path, cancellationToken) is { } content
            ? Results.Stream(content, "application/octet-stream")
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Artifact missing", detail: $"{artifacts.Describe(path)} is missing.");
}
