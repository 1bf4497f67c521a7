using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// The training plane end to end: real hosts, real worker processes (the Workflows.GpuWorker agent) and the real
/// PyTorch trainers on the CPU. A run trains, then evaluates, gates and deploys the best trial's model.
/// </summary>
public sealed class TrainingTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_dropped_breast_cancer_file_trains_a_sweep_on_worker_processes_and_the_best_model_clears_the_bar()
    {
        var pipelines = TestPlatform.CopyRepositoryPipelines();
        // The shipped definition, with fewer epochs: its 8-trial sweep must fit a test on two cores.
        var definition = Path.Combine(pipelines, "breast-cancer.yaml");
        await File.WriteAllTextAsync(definition, File.ReadAllText(definition).Replace("epochs: 60", "epochs: 25", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await using var platform = await TestPlatform.StartAsync(postgres, pipelines);
        using var timeout = TestTimeout.Start(Patience);
        await using var first = TestWorker.Start(platform.BaseUrl, "bc-1");
        await using var second = TestWorker.Start(platform.BaseUrl, "bc-2");

        await platform.UploadFileAsync("breast-cancer", TestPlatform.DataFile("breast_cancer.csv"), timeout.Token);
        var runId = await WaitForAsync(async () => (await platform.Host.GetAsync<RunPage>("api/runs?pipeline=breast-cancer", timeout.Token)).Items.FirstOrDefault()?.Id, timeout.Token);
        var run = await platform.WaitForRunAsync(runId, timeout.Token);
        var jobs = await platform.JobsAsync(runId, timeout.Token);

        Assert.Equal(RunStages.All, run.Stages.Select(s => s.Stage));
        Assert.All(run.Stages, s => Assert.Equal("Succeeded", s.Outcome));
        Assert.Equal("Completed", run.Status);
        Assert.Equal("v1 is production", run.Stages.Single(s => s.Stage == RunStages.Deploy).Detail);
        Assert.Contains("569 rows", run.Stages[0].Detail, StringComparison.Ordinal);
        Assert.Equal($"{platform.BaseUrl}/api/runs/{run.Id}", run.Links.StatusQueryGetUri);
        Assert.Equal(8, jobs.Count);
        Assert.All(jobs, job => Assert.Equal(TrainingJobState.Succeeded, job.State));
        Assert.Equal(8, jobs.Select(j => JsonSerializer.Serialize(j.Spec.Hyperparameters)).Distinct().Count());
        var best = BestOf(jobs, "f1_macro");
        Assert.Contains($"best of 8 trials: trial {best.Trial}", run.Stages[3].Detail, StringComparison.Ordinal);
        var metrics = ReadArtifactJson(platform, best, "metrics.json");
        Assert.True(metrics.GetProperty("test").GetProperty("accuracy").GetDouble() >= 0.95, $"test accuracy {metrics.GetProperty("test")}");
        var model = ReadArtifactJson(platform, best, "model.json");
        Assert.Equal("input", model.GetProperty("inputName").GetString());
        Assert.Contains("probabilities", model.GetProperty("outputNames").EnumerateArray().Select(n => n.GetString()));
        Assert.True(new FileInfo(ArtifactFile(platform, best, "model.onnx")).Length > 1000);
    }

    [Fact]
    public async Task The_digits_cnn_trains_on_a_worker_process_past_the_bar()
    {
        await using var platform = await TestPlatform.StartAsync(postgres);
        using var timeout = TestTimeout.Start(Patience);
        await using var worker = TestWorker.Start(platform.BaseUrl, "digits");
        await platform.UploadFileAsync("digits", TestPlatform.DataFile("digits.csv"), timeout.Token);

        // The shipped digits pipeline deploys on manual approval: the run waits at the gate until someone answers.
        var runId = (await platform.StartRunAsync("digits", timeout.Token, Overrides(("epochs", 12)))).Id;
        await platform.WaitUntilWaitingForAsync(runId, ApprovalEvent.Name, timeout.Token);
        await platform.RaiseAsync(runId, ApprovalEvent.Name, new ApprovalEvent(true, "test", "digits look right"), timeout.Token);
        var run = await platform.WaitForRunAsync(runId, timeout.Token);
        var job = Assert.Single(await platform.JobsAsync(run.Id, timeout.Token));

        Assert.Equal("Succeeded", run.Stages.Single(s => s.Stage == RunStages.Train).Outcome);
        Assert.Contains("approved by test", run.Stages.Single(s => s.Stage == RunStages.Gate).Detail, StringComparison.Ordinal);
        Assert.Equal("Completed", run.Status);
        Assert.Equal(TrainingJobState.Succeeded, job.State);
        Assert.Equal("cnn", job.Spec.Trainer);
        Assert.True(ReadArtifactJson(platform, job, "metrics.json").GetProperty("test").GetProperty("accuracy").GetDouble() >= 0.95, worker.Log);
    }

    [Fact]
    public async Task A_worker_killed_mid_training_loses_the_job_to_another_that_resumes_from_its_checkpoint()
    {
        await using var platform = await TestPlatform.StartAsync(postgres);
        using var timeout = TestTimeout.Start(Patience);
        var (doomed, runId, checkpointed) = await StartLongTrainingAsync(platform, "doomed", epochs: 120, checkpointEpoch: 4, timeout.Token);
        await using var _ = doomed;
        doomed.Kill();
        await using var rescuer = TestWorker.Start(platform.BaseUrl, "rescuer");
        var run = await platform.WaitForRunAsync(runId, timeout.Token);
        var job = Assert.Single(await platform.JobsAsync(runId, timeout.Token));

        Assert.Equal("Succeeded", run.Stages.Single(s => s.Stage == RunStages.Train).Outcome);
        Assert.Equal(TrainingJobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempt);
        Assert.Equal("rescuer", job.WorkerId);
        // The second attempt started where a checkpoint left off, not at epoch 0, and still ran all the epochs.
        Assert.True(job.Result!.StartEpoch >= checkpointed.CheckpointEpoch, $"resumed at {job.Result.StartEpoch}, checkpoint at {checkpointed.CheckpointEpoch}");
        Assert.Equal(120, job.Result.EpochsRun);
    }

    [Fact]
    public async Task A_worker_asked_to_stop_lets_its_trainer_checkpoint_and_hands_the_job_back_without_using_an_attempt()
    {
        await using var platform = await TestPlatform.StartAsync(postgres);
        using var timeout = TestTimeout.Start(Patience);
        var (leaving, runId, _) = await StartLongTrainingAsync(platform, "leaving", epochs: 100, checkpointEpoch: 2, timeout.Token);
        await using var __ = leaving;

        Assert.Equal(0, await leaving.StopAsync(timeout.Token));
        var handedBack = Assert.Single(await platform.JobsAsync(runId, timeout.Token));
        await using var taker = TestWorker.Start(platform.BaseUrl, "taker");
        await platform.WaitForRunAsync(runId, timeout.Token);
        var job = Assert.Single(await platform.JobsAsync(runId, timeout.Token));

        Assert.Equal(TrainingJobState.Queued, handedBack.State);
        Assert.Equal(0, handedBack.Attempt);
        Assert.Contains("Interrupted: worker leaving stopped", handedBack.Error, StringComparison.Ordinal);
        Assert.Equal(TrainingJobState.Succeeded, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.True(job.Result!.StartEpoch >= handedBack.CheckpointEpoch, $"resumed at {job.Result.StartEpoch}, handed back at {handedBack.CheckpointEpoch}");
    }

    [Fact]
    public async Task Cancelling_a_run_stops_its_trainer_within_seconds_and_the_worker_takes_the_next_job()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var timeout = TestTimeout.Start(Patience);
        await platform.UploadAsync("tiny", new StringContent(TinyPipeline.Csv(5, rows: 400)), timeout.Token);
        await using var worker = TestWorker.Start(platform.BaseUrl, "cancel");
        var runId = (await platform.StartRunAsync("tiny", timeout.Token, LongTraining(epochs: 5000))).Id;
        var running = await WaitForAsync(async () => (await platform.JobsAsync(runId, timeout.Token)).FirstOrDefault(j => j.Progress?.TryGetProperty("epoch", out var e) == true && e.ValueKind == JsonValueKind.Number && e.GetInt32() >= 1), timeout.Token);
        Assert.NotEmpty(TrainerProcesses(running.JobId));

        using var cancel = await platform.Http.PostAsync($"api/runs/{runId}/cancel", null, timeout.Token);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        await WaitForAsync(() => Task.FromResult(TrainerProcesses(running.JobId).Count == 0 ? "gone" : null), timeout.Token);
        var next = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Equal(TrainingJobState.Cancelled, (await platform.Host.GetAsync<TrainingJob>($"api/jobs/{running.JobId}", timeout.Token)).State);
        Assert.False(worker.HasExited);
        Assert.Equal("Succeeded", next.Stages.Single(s => s.Stage == RunStages.Train).Outcome);
    }

    [Fact]
    public async Task A_crashing_trainer_is_retried_and_its_error_text_reaches_the_run()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var timeout = TestTimeout.Start(Patience);
        await platform.UploadAsync("tiny", new StringContent(TinyPipeline.Csv(6, rows: 60)), timeout.Token);
        using var trainers = new TempDirectory();
        // A trainer that starts as the contract says, then dies of an unexpected error, as a real bug would make it.
        await File.WriteAllTextAsync(Path.Combine(trainers.Path, "crash.py"), """
            import json, sys
            print(json.dumps({"event": "started", "epochs": 5, "startEpoch": 0}), flush=True)
            raise RuntimeError("loss became NaN at step 3 (a fault made for this test)")
            """, timeout.Token);
        await File.WriteAllTextAsync(Path.Combine(trainers.Path, "trainers.json"), """{ "mlp": { "script": "crash.py" } }""", timeout.Token);
        await using var worker = TestWorker.Start(platform.BaseUrl, "crash", trainers.Path);

        var run = await platform.RunToEndAsync("tiny", timeout.Token);
        var job = Assert.Single(await platform.JobsAsync(run.Id, timeout.Token));

        var train = run.Stages.Single(s => s.Stage == RunStages.Train);
        Assert.Equal("Failed", train.Outcome);
        Assert.Contains("RuntimeError: loss became NaN at step 3", train.Detail, StringComparison.Ordinal);
        Assert.Equal(TrainingJobState.Failed, job.State);
        Assert.Equal(job.MaxAttempts, job.Attempt);
    }

    [Fact]
    public async Task A_sweep_of_four_trials_keeps_every_trial_and_picks_the_best_by_the_validation_metric()
    {
        var pipelines = TinyPipeline.Directory();
        var definition = Path.Combine(pipelines, "tiny.yaml");
        var sweep = "    epochs: 15\n  sweep:\n    hiddenLayers: [[2], [16]]\n    learningRate: [0.0003, 0.03]\n  maxParallelTrials: 2\n";
        await File.WriteAllTextAsync(definition, File.ReadAllText(definition).Replace("    epochs: 5\n", sweep, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await using var platform = await TestPlatform.StartAsync(postgres, pipelines);
        using var timeout = TestTimeout.Start(Patience);
        await platform.UploadAsync("tiny", new StringContent(TinyPipeline.Csv(7, rows: 300)), timeout.Token);
        await using var first = TestWorker.Start(platform.BaseUrl, "sweep-1");
        await using var second = TestWorker.Start(platform.BaseUrl, "sweep-2");

        var run = await platform.RunToEndAsync("tiny", timeout.Token);
        var jobs = await platform.JobsAsync(run.Id, timeout.Token);

        Assert.Equal([0, 1, 2, 3], jobs.Select(j => j.Trial));
        Assert.All(jobs, j => Assert.Equal(TrainingJobState.Succeeded, j.State));
        Assert.Equal(["[2]|0.0003", "[2]|0.03", "[16]|0.0003", "[16]|0.03"],
            jobs.Select(j => $"{j.Spec.Hyperparameters["hiddenLayers"].GetRawText().Replace(" ", "", StringComparison.Ordinal)}|{j.Spec.Hyperparameters["learningRate"].GetRawText()}"));
        var best = BestOf(jobs, "accuracy");
        Assert.Contains($"best of 4 trials: trial {best.Trial}", run.Stages.Single(s => s.Stage == RunStages.Train).Detail, StringComparison.Ordinal);
        Assert.Contains("accuracy", run.Stages.Single(s => s.Stage == RunStages.Evaluate).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_hyperparameter_fails_at_once_naming_it_and_an_unknown_trainer_fails_naming_those_the_worker_has()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        using var timeout = TestTimeout.Start(Patience);
        await platform.UploadAsync("tiny", new StringContent(TinyPipeline.Csv(8, rows: 60)), timeout.Token);
        await using (var worker = TestWorker.Start(platform.BaseUrl, "strict"))
        {
            var run = await platform.WaitForRunAsync((await platform.StartRunAsync("tiny", timeout.Token, Overrides(("hiddenLayer", new[] { 8 })))).Id, timeout.Token);
            var job = Assert.Single(await platform.JobsAsync(run.Id, timeout.Token));

            Assert.Equal(TrainingJobState.Failed, job.State);
            Assert.Equal(1, job.Attempt);
            Assert.Contains("hiddenLayer", run.Stages.Single(s => s.Stage == RunStages.Train).Detail, StringComparison.Ordinal);
            Assert.Contains("refused the job", job.Error, StringComparison.Ordinal);
        }

        using var trainers = new TempDirectory();
        var shipped = Path.Combine(AppContext.BaseDirectory, "trainers");
        await File.WriteAllTextAsync(Path.Combine(trainers.Path, "trainers.json"), $$"""{ "cnn": { "script": {{JsonSerializer.Serialize(Path.Combine(shipped, "cnn.py"))}} } }""", timeout.Token);
        await using var imagesOnly = TestWorker.Start(platform.BaseUrl, "images-only", trainers.Path);
        var unknown = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Contains("Unknown trainer 'mlp': this worker has cnn.", unknown.Stages.Single(s => s.Stage == RunStages.Train).Detail, StringComparison.Ordinal);
        Assert.Equal(1, Assert.Single(await platform.JobsAsync(unknown.Id, timeout.Token)).Attempt);
    }

    [Fact]
    public async Task Worker_calls_need_a_worker_token_and_a_worker_token_cannot_start_runs()
    {
        await using var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory());
        var cancellationToken = TestContext.Current.CancellationToken;
        var lease = new { workerId = "w", name = "w", devices = new[] { new { kind = "cpu", index = 0, name = "cpu" } }, cpuCores = 1, version = "t", waitSeconds = 0 };
        using var anonymous = await platform.Anonymous.PostAsJsonAsync("api/worker/jobs/lease", lease, cancellationToken);
        using var withApiKey = await platform.Http.PostAsJsonAsync("api/worker/jobs/lease", lease, cancellationToken);
        using var worker = new HttpClient { BaseAddress = new Uri(platform.BaseUrl + "/") };
        worker.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorker.Token);
        using var withToken = await worker.PostAsJsonAsync("api/worker/jobs/lease", lease, cancellationToken);
        using var startRun = await worker.PostAsJsonAsync("api/pipelines/tiny/runs", new StartRunBody(null, null), cancellationToken);
        using var foreignLease = await worker.PostAsJsonAsync("api/worker/jobs/nope/complete", new { leaseId = Guid.NewGuid(), result = new { metrics = new { }, bestEpoch = 1, epochsRun = 1, startEpoch = 0 } }, cancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withApiKey.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, startRun.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, foreignLease.StatusCode);
    }

    /// <summary>
    /// The breast-cancer data, one worker, and a long single-trial run on it; returns once the job has a checkpoint at
    /// <paramref name="checkpointEpoch"/> or later (the job as it was then).
    /// </summary>
    private static async Task<(TestWorker Worker, string RunId, TrainingJob Checkpointed)> StartLongTrainingAsync(
        TestPlatform platform, string workerName, int epochs, int checkpointEpoch, CancellationToken cancellationToken)
    {
        await platform.UploadFileAsync("breast-cancer", TestPlatform.DataFile("breast_cancer.csv"), cancellationToken);
        var worker = TestWorker.Start(platform.BaseUrl, workerName);
        // Batches of 2 through two wide layers: about a tenth of a second an epoch here, long enough to stop it mid-way.
        var runId = (await platform.StartRunAsync("breast-cancer", cancellationToken, LongTraining(epochs))).Id;
        var checkpointed = await WaitForAsync(async () => (await platform.JobsAsync(runId, cancellationToken)).FirstOrDefault(j => j.CheckpointEpoch >= checkpointEpoch), cancellationToken);
        return (worker, runId, checkpointed);
    }

    /// <summary>Hyperparameters that make the breast-cancer or tiny MLP train slowly enough to interrupt: batches of 2, two wide layers, no early stop.</summary>
    private static Dictionary<string, JsonElement> LongTraining(int epochs) => Overrides(
        ("epochs", epochs), ("batchSize", 2), ("hiddenLayers", new[] { 256, 256 }), ("learningRate", 0.001), ("dropout", 0.0), ("earlyStoppingPatience", 0));

    private static Dictionary<string, JsonElement> Overrides(params (string Key, object Value)[] values) =>
        values.ToDictionary(v => v.Key, v => JsonSerializer.SerializeToElement(v.Value));

    /// <summary>The job a correct selection picks: the highest validation value, the lowest trial on ties.</summary>
    private static TrainingJob BestOf(IEnumerable<TrainingJob> jobs, string metric) =>
        jobs.OrderByDescending(j => j.Result!.Metrics[metric]).ThenBy(j => j.Trial).First();

    private static string ArtifactFile(TestPlatform platform, TrainingJob job, string name) =>
        Path.Combine(platform.DataDirectory, "artifacts", job.Result!.Artifacts[name]);

    private static JsonElement ReadArtifactJson(TestPlatform platform, TrainingJob job, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(ArtifactFile(platform, job, name)));
        return document.RootElement.Clone();
    }

    /// <summary>Processes whose command line names the job (its trainer, running in the job's work directory).</summary>
    private static List<int> TrainerProcesses(string jobId) =>
        [.. Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(p => int.TryParse(p, out _)).Where(pid =>
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Contains(jobId, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }).Select(int.Parse)];

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(200, cancellationToken);
        }
    }
}
