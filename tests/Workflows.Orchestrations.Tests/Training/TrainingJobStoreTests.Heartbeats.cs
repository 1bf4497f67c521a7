using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>This part: heartbeats, checkpoints, cancelling a run and the workers' view.</summary>
public sealed partial class TrainingJobStoreTests
{
    [Fact]
    public async Task A_heartbeat_extends_the_lease_and_stores_the_progress()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token, duration: TimeSpan.FromSeconds(30));

        var outcome = await hub.Store.HeartbeatAsync("job-1", lease.LeaseId, """{"phase":"epoch","epoch":2,"loss":0.5}""", TimeSpan.FromHours(1), timeout.Token);

        Assert.Equal(new HeartbeatOutcome(true, null), outcome);
        var job = await hub.GetAsync("job-1", timeout.Token);
        Assert.True(job.LeaseExpiresAt > lease.LeaseExpiresAt.AddMinutes(30), $"The lease runs to {job.LeaseExpiresAt:O}, not an hour past the heartbeat.");
        Assert.Equal(2, job.Progress?.GetProperty("epoch").GetInt32());

        Assert.Equal(new HeartbeatOutcome(true, null), await hub.Store.HeartbeatAsync("job-1", lease.LeaseId, null, TimeSpan.FromHours(1), timeout.Token));
        Assert.Equal(0.5, (await hub.GetAsync("job-1", timeout.Token)).Progress?.GetProperty("loss").GetDouble());
    }

    [Fact]
    public async Task A_heartbeat_with_another_lease_id_says_the_lease_is_lost_and_changes_nothing()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);

        var outcome = await hub.Store.HeartbeatAsync("job-1", Guid.NewGuid(), """{"epoch":9}""", TimeSpan.FromHours(1), timeout.Token);

        Assert.Equal(new HeartbeatOutcome(false, "lease-lost"), outcome);
        var job = await hub.GetAsync("job-1", timeout.Token);
        Assert.Null(job.Progress);
        Assert.Equal(lease.LeaseExpiresAt, job.LeaseExpiresAt);
    }

    [Fact]
    public async Task A_heartbeat_for_a_job_no_worker_ever_leased_says_the_lease_is_lost()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);

        var outcome = await hub.Store.HeartbeatAsync("job-1", Guid.NewGuid(), null, TimeSpan.FromHours(1), timeout.Token);

        Assert.Equal(new HeartbeatOutcome(false, "lease-lost"), outcome);
    }

    [Fact]
    public async Task A_heartbeat_for_an_unknown_job_says_it_ended()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);

        Assert.Equal(new HeartbeatOutcome(false, "ended"), await hub.Store.HeartbeatAsync("nope", Guid.NewGuid(), null, TimeSpan.FromHours(1), timeout.Token));
    }

    [Fact]
    public async Task A_heartbeat_after_the_run_was_cancelled_says_cancelled()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.Store.CancelRunAsync("run-1", "Cancelled by alice.", timeout.Token);

        var outcome = await hub.Store.HeartbeatAsync("job-1", lease.LeaseId, null, TimeSpan.FromHours(1), timeout.Token);

        Assert.Equal(new HeartbeatOutcome(false, "cancelled"), outcome);
    }

    [Fact]
    public async Task A_heartbeat_past_the_deadline_says_deadline_and_one_after_success_says_ended()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("late", timeout.Token, trial: 0);
        await hub.EnqueueAsync("done", timeout.Token, trial: 1);
        var late = await hub.LeaseAsync("worker-1", timeout.Token);
        var done = await hub.LeaseAsync("worker-2", timeout.Token);
        await hub.ExecuteAsync("UPDATE {schema}.training_jobs SET deadline = now() - interval '1 second' WHERE job_id = 'late'", timeout.Token);
        await hub.Store.ReportAsync("done", done.LeaseId, Completed(), timeout.Token);

        Assert.Equal(new HeartbeatOutcome(false, "deadline"), await hub.Store.HeartbeatAsync("late", late.LeaseId, null, TimeSpan.FromHours(1), timeout.Token));
        Assert.Equal(new HeartbeatOutcome(false, "ended"), await hub.Store.HeartbeatAsync("done", done.LeaseId, null, TimeSpan.FromHours(1), timeout.Token));
    }

    [Fact]
    public async Task A_checkpoint_is_recorded_only_under_the_lease_that_holds_the_job()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        Assert.False(await hub.Store.SetCheckpointAsync("job-1", Guid.NewGuid(), "queued.pt", 1, timeout.Token));
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);

        Assert.False(await hub.Store.SetCheckpointAsync("job-1", Guid.NewGuid(), "other.pt", 3, timeout.Token));
        Assert.True(await hub.Store.SetCheckpointAsync("job-1", lease.LeaseId, "mine.pt", 5, timeout.Token));
        await hub.Store.ReportAsync("job-1", lease.LeaseId, Completed(), timeout.Token);
        Assert.False(await hub.Store.SetCheckpointAsync("job-1", lease.LeaseId, "after.pt", 6, timeout.Token));

        var job = await hub.GetAsync("job-1", timeout.Token);
        Assert.Equal(("mine.pt", (int?)5), (job.CheckpointPath, job.CheckpointEpoch));
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_only_its_unfinished_jobs()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("done", timeout.Token, trial: 0);
        await hub.EnqueueAsync("running", timeout.Token, trial: 1);
        await hub.EnqueueAsync("queued", timeout.Token, trial: 2);
        await hub.EnqueueAsync("other-run", timeout.Token, runId: "run-2", trial: 0);
        var done = await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.Store.ReportAsync("done", done.LeaseId, Completed(), timeout.Token);
        await hub.LeaseAsync("worker-2", timeout.Token);

        var cancelled = await hub.Store.CancelRunAsync("run-1", "Cancelled by alice.", timeout.Token);

        Assert.Equal(["queued", "running"], cancelled.Select(j => j.JobId).Order());
        Assert.All(cancelled, job => Assert.Equal((TrainingJobState.Cancelled, "Cancelled by alice."), (job.State, job.Error)));
        Assert.All(cancelled, job => Assert.NotNull(job.EndedAt));
        Assert.Equal(TrainingJobState.Succeeded, (await hub.GetAsync("done", timeout.Token)).State);
        Assert.Equal(TrainingJobState.Queued, (await hub.GetAsync("other-run", timeout.Token)).State);
        Assert.Empty(await hub.Store.CancelRunAsync("run-1", "Again.", timeout.Token));
        Assert.Equal("other-run", (await hub.TryLeaseAsync("worker-3", timeout.Token))?.JobId);
    }

    [Fact]
    public async Task Workers_that_asked_for_jobs_are_listed_with_what_they_offered_and_took()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        Assert.Empty(await hub.Store.ListWorkersAsync(timeout.Token));
        await hub.EnqueueAsync("job-1", timeout.Token);
        await hub.LeaseAsync("gpu-box/cuda0", timeout.Token, hasGpu: true);
        Assert.Null(await hub.TryLeaseAsync("cpu-box", timeout.Token));

        var workers = await hub.Store.ListWorkersAsync(timeout.Token);

        Assert.Equal(["cpu-box", "gpu-box/cuda0"], workers.Select(w => w.WorkerId));
        Assert.Equal((string?)null, workers[0].CurrentJob);
        Assert.Equal("job-1", workers[1].CurrentJob);
        Assert.Equal("cuda", workers[1].Worker.GetProperty("devices")[0].GetString());
        Assert.True(workers[0].LastSeenAt >= workers[1].LastSeenAt);
    }

    private static WorkerReport Completed(double f1 = 0.9) => new(
        WorkerReportKind.Completed,
        new TrainingResult(new Dictionary<string, double> { ["f1_macro"] = f1, ["accuracy"] = 0.95 }, BestEpoch: 3, EpochsRun: 4, StartEpoch: 0, SamplesPerSecond: 1200, TrainSeconds: 2.5, Device: "cpu",
            new Dictionary<string, string> { ["model.onnx"] = "runs/run-1/model.onnx" }),
        null,
        false);
}
