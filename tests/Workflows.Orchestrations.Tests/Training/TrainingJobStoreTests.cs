using System.Collections.Concurrent;
using System.Text.Json;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Orchestrations.Tests.Training;

/// <summary>
/// The training job queue on real PostgreSQL, one fresh hub per test: who gets which job, and that every change a
/// worker makes applies only under the lease it holds. This part: enqueuing and leasing.
/// </summary>
public sealed partial class TrainingJobStoreTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Tiny = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Enqueuing_a_job_id_again_changes_nothing()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, trial: 0, maxAttempts: 3);

        await hub.EnqueueAsync("job-1", timeout.Token, trial: 5, device: "cuda", maxAttempts: 9);

        var job = Assert.Single(await hub.Store.ListForRunAsync("run-1", timeout.Token));
        Assert.Equal(("job-1", 0, "cpu", 3, TrainingJobState.Queued, 0), (job.JobId, job.Trial, job.Spec.Device, job.MaxAttempts, job.State, job.Attempt));
        Assert.Equal(JsonSerializer.Serialize(TrainingHub.Spec().Hyperparameters), JsonSerializer.Serialize(job.Spec.Hyperparameters));
    }

    [Fact]
    public async Task A_lease_takes_the_oldest_queued_job_and_hands_over_its_spec()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-b", timeout.Token, trial: 1);
        await hub.EnqueueAsync("job-a", timeout.Token, trial: 2);

        var first = await hub.LeaseAsync("worker-1", timeout.Token);
        var second = await hub.LeaseAsync("worker-2", timeout.Token);

        Assert.Equal(("job-b", "run-1", 1, 1, 3), (first.JobId, first.RunId, first.Trial, first.Attempt, first.MaxAttempts));
        Assert.Equal(("mlp", "f1_macro", 7), (first.Spec.Trainer, first.Spec.PrimaryMetric, first.Spec.Seed));
        Assert.Equal(["train.csv", "validation.csv"], first.Spec.DataFiles);
        Assert.Null(first.CheckpointPath);
        Assert.Equal("job-a", second.JobId);
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        Assert.Null(await hub.TryLeaseAsync("worker-3", timeout.Token));
        var job = await hub.GetAsync("job-b", timeout.Token);
        Assert.Equal((TrainingJobState.Leased, "worker-1", 1), (job.State, job.WorkerId, job.Attempt));
        Assert.NotNull(job.StartedAt);
    }

    [Fact]
    public async Task A_cuda_job_goes_only_to_a_worker_with_a_gpu()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("gpu-job", timeout.Token, trial: 0, device: "cuda");
        await hub.EnqueueAsync("cpu-job", timeout.Token, trial: 1, device: "cpu");

        var cpuWorker = await hub.LeaseAsync("cpu-worker", timeout.Token, hasGpu: false);
        var cpuWorkerAgain = await hub.TryLeaseAsync("cpu-worker", timeout.Token, hasGpu: false);
        var gpuWorker = await hub.LeaseAsync("gpu-worker", timeout.Token, hasGpu: true);

        Assert.Equal("cpu-job", cpuWorker.JobId);
        Assert.Null(cpuWorkerAgain);
        Assert.Equal(("gpu-job", "cuda"), (gpuWorker.JobId, gpuWorker.Spec.Device));
    }

    [Fact]
    public async Task A_gpu_worker_also_takes_cpu_and_auto_jobs()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("cpu-job", timeout.Token, trial: 0, device: "cpu");
        await hub.EnqueueAsync("auto-job", timeout.Token, trial: 1, device: "auto");

        var first = await hub.LeaseAsync("gpu-worker", timeout.Token, hasGpu: true);
        var second = await hub.LeaseAsync("gpu-worker", timeout.Token, hasGpu: true);

        Assert.Equal(["cpu-job", "auto-job"], [first.JobId, second.JobId]);
    }

    [Fact]
    public async Task Concurrent_leases_never_hand_one_job_to_two_workers()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(45));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        for (var trial = 0; trial < 20; trial++)
        {
            await hub.EnqueueAsync($"job-{trial:D2}", timeout.Token, trial: trial);
        }

        var leases = new ConcurrentBag<(string WorkerId, JobLease Lease)>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leasers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            while (await hub.TryLeaseAsync($"worker-{worker}", timeout.Token) is { } lease)
            {
                leases.Add(($"worker-{worker}", lease));
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(leasers);

        Assert.Equal(20, leases.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(trial => $"job-{trial:D2}"), leases.Select(l => l.Lease.JobId).Order());
        Assert.All(leases, l => Assert.Equal(1, l.Lease.Attempt));
        var jobs = await hub.Store.ListForRunAsync("run-1", timeout.Token);
        Assert.All(jobs, job => Assert.Equal((TrainingJobState.Leased, 1), (job.State, job.Attempt)));
        Assert.Equal(leases.ToDictionary(l => l.Lease.JobId, l => l.WorkerId).OrderBy(p => p.Key), jobs.ToDictionary(j => j.JobId, j => j.WorkerId!).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task A_waiting_lease_request_gets_a_job_enqueued_while_it_waits()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        var waiting = hub.Store.LeaseAsync("worker-1", TrainingHub.WorkerJson("worker-1", false), false, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(25), timeout.Token);
        await WaitForWorkerAsync(hub, "worker-1", timeout.Token);

        await hub.EnqueueAsync("job-1", timeout.Token);

        var lease = await waiting;
        Assert.NotNull(lease);
        Assert.Equal(("job-1", 1), (lease.JobId, lease.Attempt));
    }

    [Fact]
    public async Task Enqueuing_and_requeuing_a_job_pulse_the_signal_lease_requests_wait_on()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(10));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);

        var enqueued = hub.Signal.WaitAsync(Timeout.InfiniteTimeSpan, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        await enqueued;
        var lease = await hub.LeaseAsync("worker-1", timeout.Token);
        var requeued = hub.Signal.WaitAsync(Timeout.InfiniteTimeSpan, timeout.Token);
        await hub.Store.ReportAsync("job-1", lease.LeaseId, new WorkerReport(WorkerReportKind.Interrupted, null, null, false), timeout.Token);
        await requeued;
        lease = await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.ExecuteAsync("UPDATE {schema}.training_jobs SET lease_expires_at = now() - interval '1 second'", timeout.Token);
        var checkedAgain = hub.Signal.WaitAsync(Timeout.InfiniteTimeSpan, timeout.Token);
        await hub.Store.CheckAsync("job-1", timeout.Token);
        await checkedAgain;
    }

    [Fact]
    public async Task A_waiting_lease_request_finds_a_job_another_host_enqueued()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        var waiting = hub.Store.LeaseAsync("worker-1", TrainingHub.WorkerJson("worker-1", false), false, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(25), timeout.Token);
        await WaitForWorkerAsync(hub, "worker-1", timeout.Token);

        await hub.OtherHost().EnqueueAsync("job-1", "run-1", "iris", 0, "run-1:train:0", TrainingHub.Spec(), 3, DateTimeOffset.UtcNow.AddHours(1), timeout.Token);

        Assert.Equal("job-1", (await waiting)?.JobId);
    }

    [Fact]
    public async Task A_lease_request_with_nothing_to_lease_answers_null_when_its_wait_ends()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("gpu-job", timeout.Token, device: "cuda");

        var lease = await hub.Store.LeaseAsync("worker-1", "{}", false, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(200), timeout.Token);

        Assert.Null(lease);
    }

    [Fact]
    public async Task An_expired_lease_goes_to_another_worker_with_the_next_attempt_and_the_checkpoint()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token);
        var lost = await hub.LeaseAsync("worker-1", timeout.Token, duration: Tiny);
        Assert.True(await hub.Store.SetCheckpointAsync("job-1", lost.LeaseId, "runs/run-1/job-1/checkpoint.pt", 4, timeout.Token));

        var taken = await hub.Store.LeaseAsync("worker-2", "{}", false, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(20), timeout.Token);

        Assert.NotNull(taken);
        Assert.Equal(("job-1", 2, "runs/run-1/job-1/checkpoint.pt", (int?)4), (taken.JobId, taken.Attempt, taken.CheckpointPath, taken.CheckpointEpoch));
        Assert.NotEqual(lost.LeaseId, taken.LeaseId);
        var job = await hub.GetAsync("job-1", timeout.Token);
        Assert.Equal((TrainingJobState.Leased, "worker-2", 2), (job.State, job.WorkerId, job.Attempt));
        Assert.Equal(new HeartbeatOutcome(false, "lease-lost"), await hub.Store.HeartbeatAsync("job-1", lost.LeaseId, null, TimeSpan.FromMinutes(5), timeout.Token));
    }

    [Fact]
    public async Task An_expired_lease_with_its_attempts_used_up_is_not_leased_again()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, maxAttempts: 1);
        await hub.LeaseAsync("worker-1", timeout.Token);
        await hub.ExecuteAsync("UPDATE {schema}.training_jobs SET lease_expires_at = now() - interval '1 minute'", timeout.Token);

        Assert.Null(await hub.TryLeaseAsync("worker-2", timeout.Token));
    }

    [Fact]
    public async Task A_job_past_its_deadline_is_not_leased()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromSeconds(30));
        await using var hub = await TrainingHub.CreateAsync(postgres, timeout.Token);
        await hub.EnqueueAsync("job-1", timeout.Token, deadline: DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Null(await hub.TryLeaseAsync("worker-1", timeout.Token));
    }

    /// <summary>Waits until the worker's first look for a job is recorded: every look records the worker, found or not.</summary>
    private static async Task WaitForWorkerAsync(TrainingHub hub, string workerId, CancellationToken cancellationToken)
    {
        while ((await hub.Store.ListWorkersAsync(cancellationToken)).All(w => w.WorkerId != workerId))
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
