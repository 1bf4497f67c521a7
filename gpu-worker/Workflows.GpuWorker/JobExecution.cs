using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Workflows.GpuWorker.Protocol;

namespace Workflows.GpuWorker;

/// <summary>
/// Runs one leased job on one device: fetches the export (and the checkpoint of an earlier attempt), runs the trainer,
/// heartbeats from the lease to the report (with the trainer's progress), uploads the newest checkpoint at most once a
/// heartbeat interval and then the final artifacts, and reports how it ended. A heartbeat answered "stop" kills the
/// trainer; the worker stopping asks it to checkpoint first.
/// </summary>
internal sealed class JobExecution(HostConnection host, TrainerRegistry trainers, WorkerOptions options, WorkerDevice device, ILogger logger)
{
    /// <summary>The progress phase of a trainer that was started and has not reported yet.</summary>
    public const string Launched = "launched";

    private static readonly ActivitySource Tracing = new("Workflows.GpuWorker");
    private static readonly JsonSerializerOptions JobJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Runs the job to its end. <paramref name="stopping"/> is the worker shutting down, not the job being cancelled.</summary>
    public async Task RunAsync(LeasedJob lease, CancellationToken stopping)
    {
        using var activity = Tracing.StartActivity("TrainingJob");
        activity?.SetTag("job.id", lease.JobId);
        activity?.SetTag("job.attempt", lease.Attempt);
        var work = Path.Combine(options.WorkDirectory, $"{lease.JobId}-a{lease.Attempt}-{Guid.NewGuid():N}");
        // The lease lives from now until the report is in: downloads and uploads of a large export or model take time too.
        using var state = new SupervisionState();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeats = HeartbeatAsync(lease, state, heartbeatStop.Token);
        try
        {
            using var abandon = CancellationTokenSource.CreateLinkedTokenSource(stopping, state.HostStopped);
            JobReport report;
            try
            {
                report = await TrainAsync(lease, work, state, abandon.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (state.StopReason is not null)
            {
                report = JobReport.None;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !(ex is HostRequestException { LeaseLost: true }))
            {
                // Whatever went wrong here is the job's failure to report, not a lease to let expire with a misleading error.
                logger.LogWarning(ex, "Job {JobId}: the worker failed around the trainer", lease.JobId);
                report = JobReport.Failed($"Worker {options.Name} failed on attempt {lease.Attempt}: {ex.Message}", retryable: ex is not HostRequestException { IsClientError: true });
            }

            await ReportWithRetriesAsync(lease, report).ConfigureAwait(false);
        }
        catch (HostRequestException ex) when (ex.LeaseLost)
        {
            logger.LogWarning("Job {JobId}: the lease is gone ({Message}); giving the job up", lease.JobId, ex.Message);
        }
        finally
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (IOException ex)
            {
                logger.LogWarning(ex, "Job {JobId}: could not delete {Directory}", lease.JobId, work);
            }
        }
    }

    /// <summary>Fetches the inputs and runs the trainer; <paramref name="abandon"/> ends the fetching when the worker stops or the host says stop.</summary>
    private async Task<JobReport> TrainAsync(LeasedJob lease, string work, SupervisionState state, CancellationToken abandon)
    {
        string script;
        try
        {
            script = trainers.ScriptOf(lease.Job.Trainer);
        }
        catch (UnknownTrainerException ex)
        {
            return JobReport.Failed(ex.Message, retryable: false);
        }

        var data = Directory.CreateDirectory(Path.Combine(work, "data")).FullName;
        var output = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;
        foreach (var file in lease.DataFiles)
        {
            await host.DownloadAsync(lease, file, Path.Combine(data, Path.GetFileName(file)), abandon).ConfigureAwait(false);
        }

        List<string> arguments = [script, "--job", Path.Combine(work, "job.json"), "--data", data, "--out", output];
        if (lease.CheckpointEpoch is not null)
        {
            var resume = Path.Combine(work, "resume-" + JobArtifacts.Checkpoint);
            await host.DownloadAsync(lease, null, resume, abandon).ConfigureAwait(false);
            arguments.AddRange(["--resume", resume]);
        }

        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        await File.WriteAllTextAsync(Path.Combine(work, "job.json"), JsonSerializer.Serialize(lease.Job with { Threads = threads }, JobJson), abandon).ConfigureAwait(false);

        // A GPU slot sees only its own device; a CPU slot sees none, so `auto` cannot wander onto a GPU another slot owns.
        var environment = new Dictionary<string, string> { ["CUDA_VISIBLE_DEVICES"] = device.IsGpu ? device.Index.ToString(CultureInfo.InvariantCulture) : "", ["PYTHONUNBUFFERED"] = "1" };
        logger.LogInformation("Job {JobId} attempt {Attempt}/{MaxAttempts}: starting trainer {Trainer} on {Device}{Resume}",
            lease.JobId, lease.Attempt, lease.MaxAttempts, lease.Job.Trainer, device.Name, lease.CheckpointEpoch is null ? "" : $", resuming at epoch {lease.CheckpointEpoch}");
        TrainerProcess trainer;
        try
        {
            trainer = TrainerProcess.Start(options.Python, arguments, work, environment, line => logger.LogDebug("Job {JobId} trainer: {Line}", lease.JobId, line));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return JobReport.Failed($"The worker cannot start Python '{options.Python}': {ex.Message}. Set worker:python to an interpreter with PyTorch.", retryable: true);
        }

        using (trainer)
        {
            return await SuperviseAsync(lease, trainer, output, state, abandon).ConfigureAwait(false);
        }
    }

    /// <summary>Follows the trainer until it exits: its events, its checkpoint uploads, and asking it to stop when the worker stops.</summary>
    private async Task<JobReport> SuperviseAsync(LeasedJob lease, TrainerProcess trainer, string output, SupervisionState state, CancellationToken abandon)
    {
        state.Launched(trainer, new TrainerProgress(Launched, lease.CheckpointEpoch, null, null, null, null, null));
        var checkpoints = Channel.CreateBounded<int?>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var uploads = UploadCheckpointsAsync(lease, checkpoints.Reader, Path.Combine(output, JobArtifacts.Checkpoint), state, exited.Task);
        using var onStop = abandon.Register(() =>
        {
            if (state.StopReason is not null)
            {
                return;
            }

            // The worker is stopping: the trainer checkpoints and exits 75, or is killed after the grace period.
            state.Interrupted = true;
            trainer.Terminate();
            _ = KillAfterGraceAsync(trainer);
        });

        while (await trainer.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            var trainerEvent = TrainerEvent.TryParse(line);
            if (trainerEvent is null)
            {
                logger.LogDebug("Job {JobId} trainer: {Line}", lease.JobId, line);
                continue;
            }

            switch (trainerEvent.Kind)
            {
                case TrainerEvent.Started:
                    state.StartEpoch = trainerEvent.Int("startEpoch") ?? 0;
                    state.Progress = trainerEvent.ToProgress(state.Progress);
                    break;
                case TrainerEvent.Epoch or TrainerEvent.Progress:
                    state.Progress = trainerEvent.ToProgress(state.Progress);
                    break;
                case TrainerEvent.Checkpoint:
                    await checkpoints.Writer.WriteAsync(trainerEvent.Int("epoch"), CancellationToken.None).ConfigureAwait(false);
                    break;
                case TrainerEvent.Completed:
                    state.Summary = trainerEvent.ToSummary(state.Progress, state.StartEpoch);
                    break;
                case TrainerEvent.Error:
                    state.Error = trainerEvent.Text("message");
                    state.ErrorRetryable = trainerEvent.Flag("retryable");
                    break;
            }
        }

        await trainer.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        exited.TrySetResult();
        checkpoints.Writer.Complete();
        await uploads.ConfigureAwait(false);
        return Outcome(lease, trainer, state, output);
    }

    private JobReport Outcome(LeasedJob lease, TrainerProcess trainer, SupervisionState state, string output)
    {
        if (state.StopReason is { } reason)
        {
            logger.LogInformation("Job {JobId}: trainer stopped, the host said {Reason}", lease.JobId, reason);
            return JobReport.None;
        }

        var exitCode = trainer.ExitCode;
        var message = state.Error ?? trainer.StderrTail();
        switch (exitCode)
        {
            case TrainerProcess.ExitSucceeded when state.Summary is not null:
                var missing = JobArtifacts.Final.Where(name => !File.Exists(Path.Combine(output, name))).ToList();
                return missing.Count == 0
                    ? JobReport.Completed(state.Summary, output)
                    : JobReport.Failed($"Trainer {lease.Job.Trainer} exited 0 but did not write {string.Join(", ", missing)}.", retryable: false);
            case TrainerProcess.ExitSucceeded:
                return JobReport.Failed($"Trainer {lease.Job.Trainer} exited 0 without a 'completed' event.", retryable: false);
            case TrainerProcess.ExitInterrupted when state.Interrupted:
                return JobReport.Interrupted(state.CheckpointEpoch);
            case TrainerProcess.ExitBadJob:
                return JobReport.Failed($"Trainer {lease.Job.Trainer} refused the job: {message}", retryable: false);
            default:
                var how = exitCode > 128 ? $"was killed by signal {exitCode - 128}" : $"exited with code {exitCode}";
                return JobReport.Failed($"Trainer {lease.Job.Trainer} {how} on attempt {lease.Attempt}: {message}", retryable: state.ErrorRetryable ?? true);
        }
    }

    /// <summary>
    /// Beats every interval from the lease to the report, and once more the moment the trainer launches (the job shows
    /// as started at once). A "stop" answer kills the trainer, or abandons the fetching if it has not started.
    /// </summary>
    private async Task HeartbeatAsync(LeasedJob lease, SupervisionState state, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, lease.HeartbeatSeconds));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var beatRequested = state.NextBeatRequest;
                HeartbeatReply reply;
                try
                {
                    reply = await host.HeartbeatAsync(lease.JobId, new HeartbeatRequest(lease.LeaseId, state.Progress), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or HostRequestException { LeaseLost: false } or System.Text.Json.JsonException
                    or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // The host may be restarting: the lease outlives a few missed beats, so keep training and try again.
                    logger.LogWarning("Job {JobId}: heartbeat failed ({Message}); retrying", lease.JobId, ex.Message);
                    reply = new HeartbeatReply(true, null);
                }

                if (!reply.Continue)
                {
                    state.Stop(reply.Reason ?? "stop");
                    return;
                }

                await Task.WhenAny(Task.Delay(interval, cancellationToken), beatRequested).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Uploads the newest checkpoint the trainer reported, at most once a heartbeat interval: a trainer that checkpoints
    /// many times a second would otherwise spend the cores it trains on in uploads. Checkpoints reported in between
    /// are skipped; the last one goes at once when the trainer has exited (a stopped trainer's checkpoint is the one
    /// the next attempt resumes from).
    /// </summary>
    private async Task UploadCheckpointsAsync(LeasedJob lease, ChannelReader<int?> written, string file, SupervisionState state, Task trainerExited)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, lease.HeartbeatSeconds));
        await foreach (var epoch in written.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await host.UploadAsync(lease, JobArtifacts.Checkpoint, file, epoch, CancellationToken.None).ConfigureAwait(false);
                state.CheckpointEpoch = epoch;
            }
            catch (Exception ex) when (ex is HttpRequestException or HostRequestException or IOException or TaskCanceledException)
            {
                logger.LogWarning("Job {JobId}: checkpoint of epoch {Epoch} not uploaded: {Message}", lease.JobId, epoch, ex.Message);
            }

            await Task.WhenAny(Task.Delay(interval), trainerExited).ConfigureAwait(false);
        }
    }

    private async Task KillAfterGraceAsync(TrainerProcess trainer)
    {
        await Task.Delay(options.StopGracePeriod).ConfigureAwait(false);
        trainer.KillTree();
    }

    /// <summary>
    /// A trained model is worth a few tries to hand over: a host that is restarting answers again in seconds, and the
    /// alternative is the lease expiring and the job training again. Uploads and reports are idempotent.
    /// </summary>
    private async Task ReportWithRetriesAsync(LeasedJob lease, JobReport report)
    {
        const int tries = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ReportAsync(lease, report).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < tries && ex is HttpRequestException or TaskCanceledException or HostRequestException { LeaseLost: false })
            {
                logger.LogWarning("Job {JobId}: reporting failed ({Message}); try {Attempt} of {Tries}", lease.JobId, ex.Message, attempt, tries);
                await Task.Delay(TimeSpan.FromSeconds(attempt * 2)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reports how the job ended. Not cancellable: a worker that stops still tells the host, so nobody waits for a lease to expire.</summary>
    private async Task ReportAsync(LeasedJob lease, JobReport report)
    {
        switch (report.Kind)
        {
            case JobReportKind.Completed:
                foreach (var name in JobArtifacts.Final)
                {
                    await host.UploadAsync(lease, name, Path.Combine(report.OutputDirectory!, name), null, CancellationToken.None).ConfigureAwait(false);
                }

                await host.CompleteAsync(lease.JobId, new CompleteRequest(lease.LeaseId, report.Summary!), CancellationToken.None).ConfigureAwait(false);
                logger.LogInformation("Job {JobId}: completed ({Metrics})", lease.JobId, string.Join(", ", report.Summary!.Metrics.Select(m => $"{m.Key} {m.Value:0.####}")));
                break;
            case JobReportKind.Failed:
                logger.LogWarning("Job {JobId}: failed ({Retryable}): {Error}", lease.JobId, report.Retryable ? "retryable" : "final", report.Error);
                await host.FailAsync(lease.JobId, new FailRequest(lease.LeaseId, report.Error!, report.Retryable, Interrupted: false), CancellationToken.None).ConfigureAwait(false);
                break;
            case JobReportKind.Interrupted:
                logger.LogInformation("Job {JobId}: interrupted by the worker stopping, checkpoint at epoch {Epoch}", lease.JobId, report.CheckpointEpoch);
                await host.FailAsync(lease.JobId, new FailRequest(lease.LeaseId, $"Interrupted: worker {options.Name} stopped; the job resumes from epoch {report.CheckpointEpoch?.ToString(CultureInfo.InvariantCulture) ?? "0"}.",
                    Retryable: true, Interrupted: true), CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>What the supervision loops learn, shared between them.</summary>
    private sealed class SupervisionState : IDisposable
    {
        private readonly CancellationTokenSource hostStopped = new();
        private TaskCompletionSource beatRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TrainerProcess? trainer;

        public volatile TrainerProgress? Progress;
        public volatile TrainerSummary? Summary;
        public volatile string? Error;
        public bool? ErrorRetryable;
        public volatile string? StopReason;
        public volatile bool Interrupted;
        public int? CheckpointEpoch;
        public int StartEpoch;

        /// <summary>Cancelled when the host said stop (cancelled, lease lost, deadline).</summary>
        public CancellationToken HostStopped => hostStopped.Token;

        /// <summary>Completes when a beat should go out before the interval ends.</summary>
        public Task NextBeatRequest => Volatile.Read(ref beatRequest).Task;

        /// <summary>The trainer runs: it is what a stop kills, and the host hears of it at once.</summary>
        public void Launched(TrainerProcess process, TrainerProgress progress)
        {
            trainer = process;
            Progress = progress;
            Interlocked.Exchange(ref beatRequest, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            if (StopReason is not null)
            {
                process.KillTree();
            }
        }

        /// <summary>The host said stop: kill the trainer if one runs, and abandon whatever else is under way.</summary>
        public void Stop(string reason)
        {
            StopReason = reason;
            trainer?.KillTree();
            hostStopped.Cancel();
        }

        public void Dispose() => hostStopped.Dispose();
    }
}
