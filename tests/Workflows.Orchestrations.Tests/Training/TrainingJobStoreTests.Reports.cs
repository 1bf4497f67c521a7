using System.Text.Json;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>This part: how a worker's report ends a job, and how the watcher's check ends a job nobody reports on.</summary>
public sealed partial class TrainingJobStoreTests
{
    [Fact]
    public async Task A_completed_report_ends_the_job_succeeded_with_its_result()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);

        var job = await hub.Store.ReportAsync("job-1", lease.LeaseId, Completed(0.87), timeout.Token);

        Assert.NotNull(job);
        Assert.Equal((TrainingJobState.Succeeded, 1, (string?)null), (job.State, job.Attempt, job.Error));
        Assert.Equal(0.87, job.Result?.Metrics["f1_macro"]);
        Assert.Equal(("runs/run-1/model.onnx", 3), (job.Result?.Artifacts["model.onnx"], job.Result?.BestEpoch));
        Assert.NotNull(job.EndedAt);
        Assert.Null(job.LeaseExpiresAt);
        Assert.Equal(Json(job), Json(await hub.GetAsync("job-1", timeout.Token)));
    }

    [Fact]
    public async Task A_retryable_failure_queues_the_job_again_until_its_attempts_are_used_up()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 2);
        var first = await hub.LeaseAsync("worker-1", timeout.Token);

        var afterFirst = await hub.Store.ReportAsync("job-1", first.LeaseId, Failure("CUDA out of memory", retryable: true), timeout.Token);
        var second = await hub.LeaseAsync("worker-2", timeout.Token);
        var afterSecond = await hub.Store.ReportAsync("job-1", second.LeaseId, Failure("CUDA out of memory again", retryable: true), timeout.Token);

        Assert.Equal((TrainingJobState.Queued, 1, "CUDA out of memory"), (afterFirst?.State, afterFirst?.Attempt, afterFirst?.Error));
        Assert.Null(afterFirst?.EndedAt);
        Assert.Equal(2, second.Attempt);
        Assert.Equal((TrainingJobState.Failed, 2, "CUDA out of memory again"), (afterSecond?.State, afterSecond?.Attempt, afterSecond?.Error));
        Assert.NotNull(afterSecond?.EndedAt);
        Assert.Null(await hub.TryLeaseAsync("worker-3", timeout.Token));
    }

    [Fact]
    public async Task A_non_retryable_failure_fails_the_job_at_once()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 3);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);

        var job = await hub.Store.ReportAsync("job-1", lease.LeaseId, Failure("Unknown hyperparameter 'hidenLayers'.", retryable: false), timeout.Token);

        Assert.Equal((TrainingJobState.Failed, 1, "Unknown hyperparameter 'hidenLayers'."), (job?.State, job?.Attempt, job?.Error));
        Assert.Null(await hub.TryLeaseAsync("worker-2", timeout.Token));
    }

    [Fact]
    public async Task An_interruption_queues_the_job_again_without_using_an_attempt()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 1);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.Store.SetCheckpointAsync("job-1", lease.LeaseId, "checkpoint.pt", 7, timeout.Token);

        var job = await hub.Store.ReportAsync("job-1", lease.LeaseId, new WorkerReport(WorkerReportKind.Interrupted, null, "The worker is stopping.", false), timeout.Token);
        var again = await hub.LeaseAsync("worker-2", timeout.Token);

        Assert.Equal((TrainingJobState.Queued, 0), (job?.State, job?.Attempt));
        Assert.Equal((1, "checkpoint.pt", (int?)7), (again.Attempt, again.CheckpointPath, again.CheckpointEpoch));
    }

    [Theory]
    [InlineData(WorkerReportKind.Completed, true, TrainingJobState.Succeeded)]
    [InlineData(WorkerReportKind.Failed, true, TrainingJobState.Queued)]
    [InlineData(WorkerReportKind.Failed, false, TrainingJobState.Failed)]
    [InlineData(WorkerReportKind.Interrupted, false, TrainingJobState.Queued)]
    public async Task The_same_report_sent_twice_is_accepted_twice_and_changes_nothing_more(WorkerReportKind kind, bool retryable, TrainingJobState expected)
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);
        var report = kind == WorkerReportKind.Completed ? Completed() : Failure("boom", retryable) with { Kind = kind };

        var first = await hub.Store.ReportAsync("job-1", lease.LeaseId, report, timeout.Token);
        var second = await hub.Store.ReportAsync("job-1", lease.LeaseId, report, timeout.Token);

        Assert.Equal(expected, first?.State);
        Assert.NotNull(second);
        Assert.Equal(Json(first), Json(second));
    }

    [Fact]
    public async Task A_report_under_another_lease_is_refused()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lost = await hub.LeaseAsync("worker-1", timeout.Token, duration: Tiny);
        var taken = await hub.Store.LeaseAsync("worker-2", "{}", false, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20), timeout.Token);
        Assert.NotNull(taken);

        Assert.Null(await hub.Store.ReportAsync("job-1", Guid.NewGuid(), Completed(), timeout.Token));
        Assert.Null(await hub.Store.ReportAsync("job-1", lost.LeaseId, Completed(), timeout.Token));
        Assert.Null(await hub.Store.ReportAsync("job-1", lost.LeaseId, Failure("late", retryable: true), timeout.Token));
        Assert.Null(await hub.Store.ReportAsync("nope", lost.LeaseId, Completed(), timeout.Token));
        var job = await hub.GetAsync("job-1", timeout.Token);
        Assert.Equal((TrainingJobState.Leased, "worker-2", (string?)null), (job.State, job.WorkerId, job.Error));
        Assert.Equal(TrainingJobState.Succeeded, (await hub.Store.ReportAsync("job-1", taken.LeaseId, Completed(), timeout.Token))?.State);
    }

    [Fact]
    public async Task A_check_queues_a_job_whose_lease_expired_saying_which_worker_stopped()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 2);
        await hub.LeaseAsync("worker-1", timeout.Token);
        await ExpireLeasesAsync(hub, timeout.Token);

        var job = await hub.Store.CheckAsync("job-1", timeout.Token);

        Assert.Equal((TrainingJobState.Queued, 1), (job?.State, job?.Attempt));
        Assert.Contains("Worker worker-1 stopped heartbeating", job?.Error);
        Assert.Contains("(attempt 1 of 2)", job?.Error);
        Assert.Null(job?.EndedAt);
        Assert.Equal(2, (await hub.LeaseAsync("worker-2", timeout.Token)).Attempt);
    }

    [Fact]
    public async Task A_check_fails_a_job_whose_lease_expired_on_its_last_attempt()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 1);
        await hub.LeaseAsync("worker-1", timeout.Token);
        await ExpireLeasesAsync(hub, timeout.Token);

        var job = await hub.Store.CheckAsync("job-1", timeout.Token);

        Assert.Equal(TrainingJobState.Failed, job?.State);
        Assert.Contains("(attempt 1 of 1)", job?.Error);
        Assert.NotNull(job?.EndedAt);
    }

    [Fact]
    public async Task A_check_fails_a_job_past_its_deadline_whether_queued_or_leased()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("queued", timeout.Token, trial: 0, deadline: new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await hub.EnqueueAsync("leased", timeout.Token, trial: 1);
        await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.ExecuteAsync("UPDATE {schema}.training_jobs SET deadline = now() - interval '1 second' WHERE job_id = 'leased'", timeout.Token);

        var queued = await hub.Store.CheckAsync("queued", timeout.Token);
        var leased = await hub.Store.CheckAsync("leased", timeout.Token);

        Assert.Equal(TrainingJobState.Failed, queued?.State);
        Assert.Equal("The job passed its deadline (2020-01-02T03:04:05Z) before it finished.", queued?.Error);
        Assert.Equal(TrainingJobState.Failed, leased?.State);
        Assert.Contains("passed its deadline", leased?.Error);
        Assert.NotNull(leased?.EndedAt);
    }

    [Fact]
    public async Task A_check_leaves_a_healthy_or_finished_job_alone()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("leased", timeout.Token, trial: 0);
        await hub.EnqueueAsync("queued", timeout.Token, trial: 1);
        await hub.EnqueueAsync("done", timeout.Token, trial: 2);
        var leased = await hub.LeaseAsync("worker-1", timeout.Token);
        var queued = await hub.LeaseAsync("worker-2", timeout.Token);
        var done = await hub.LeaseAsync("worker-3", timeout.Token);
        await hub.Store.ReportAsync("queued", queued.LeaseId, Failure("flaky", retryable: true), timeout.Token);
        await hub.Store.ReportAsync("done", done.LeaseId, Completed(), timeout.Token);

        Assert.Equal((TrainingJobState.Queued, "flaky"), ((await hub.Store.CheckAsync("queued", timeout.Token))?.State, (await hub.GetAsync("queued", timeout.Token)).Error));
        Assert.Equal((TrainingJobState.Leased, leased.LeaseExpiresAt), ((await hub.Store.CheckAsync("leased", timeout.Token))?.State, (await hub.GetAsync("leased", timeout.Token)).LeaseExpiresAt));
        Assert.Equal(TrainingJobState.Succeeded, (await hub.Store.CheckAsync("done", timeout.Token))?.State);
        Assert.Null(await hub.Store.CheckAsync("nope", timeout.Token));
    }

    /// <summary>A job as JSON, to compare two reads of it (its JSON values and dictionaries compare by reference).</summary>
    private static string Json(TrainingJob? job) => JsonSerializer.Serialize(job);

    private static WorkerReport Failure(string error, bool retryable) => new(WorkerReportKind.Failed, null, error, retryable);

    private static Task ExpireLeasesAsync(TrainingHub hub, CancellationToken cancellationToken) =>
        hub.ExecuteAsync("UPDATE {schema}.training_jobs SET lease_expires_at = now() - interval '1 second' WHERE state = 'Leased'", cancellationToken);
}
