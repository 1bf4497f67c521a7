using System.Text.Json;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.LocalServices;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// Faults in the middle of a run that trains, evaluates and deploys: the host process SIGKILLed during training and
/// started again, and the PostgreSQL server restarted. The run must complete, resume its training from a
/// checkpoint, and register exactly one model version.
/// </summary>
public sealed class FaultTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    /// <summary>Long enough on the tiny data that the fault lands mid-training, with checkpoints every 2 epochs.</summary>
    private static readonly Dictionary<string, JsonElement> LongTraining = new() { ["epochs"] = JsonSerializer.SerializeToElement(1500) };

    [Fact]
    public async Task A_host_killed_during_training_and_started_again_completes_the_run_and_registers_one_model()
    {
        using var timeout = TestTimeout.Start(Patience);
        using var state = new TempDirectory();
        var (hub, pipelines) = ("t_" + Guid.NewGuid().ToString("N")[..16], TinyPipeline.Directory());
        var first = await HostProcess.StartAsync(postgres.ConnectionString, hub, state.Path, pipelines, timeout.Token);
        string runId;
        try
        {
            using var host = new HostClient(first.Url, TestPlatform.ApiKey);
            await IngestAsync(host, state, timeout.Token);
            runId = (await host.PostAsync<ManagementLinks>("api/pipelines/tiny/runs", new StartRunBody(null, LongTraining), timeout.Token)).Id;
            await WaitForCheckpointAsync(host, runId, timeout.Token);
            Assert.Equal("Running", (await host.GetRunAsync(runId, timeout.Token)).Status);
            await first.KillAsync();
        }
        finally
        {
            await first.DisposeAsync();
        }

        await using var second = await HostProcess.StartAsync(postgres.ConnectionString, hub, state.Path, pipelines, timeout.Token);
        using var restarted = new HostClient(second.Url, TestPlatform.ApiKey);
        var run = await WaitForEndAsync(restarted, runId, timeout.Token);

        Assert.True(run.Status == "Completed", $"run {run.Status}: {string.Join("; ", run.Stages.Select(s => $"{s.Stage} {s.Outcome} {s.Detail}"))}\n{second.Log}");
        Assert.Equal(RunStages.All, run.Stages.Select(s => s.Stage));
        var job = Assert.Single(await restarted.GetAsync<List<TrainingJob>>($"api/runs/{runId}/jobs", timeout.Token));
        Assert.Equal(TrainingJobState.Succeeded, job.State);
        Assert.True(job.Attempt >= 2, $"attempt {job.Attempt}: the killed host's lease should have expired and the job been leased again");
        Assert.True(job.Result!.StartEpoch > 0, "the second attempt should resume from the checkpoint, not epoch 0");
        var model = await restarted.GetAsync<ModelDetail>("api/models/tiny", timeout.Token);
        Assert.Equal(runId, Assert.Single(model.Versions).Lineage.RunId);
    }

    [Fact]
    public async Task A_run_survives_its_postgresql_server_restarting_mid_training()
    {
        using var timeout = TestTimeout.Start(Patience);
        using var state = new TempDirectory();
        var options = new EmbeddedPostgresOptions { DataDirectory = state.Combine("postgres") };
        var server = await EmbeddedPostgres.StartAsync(options, cancellationToken: timeout.Token);
        var (port, connectionString) = (server.Port, server.ConnectionString);
        try
        {
            await using var platform = await TestPlatform.StartOnAsync(connectionString, "t_" + Guid.NewGuid().ToString("N")[..16], state.Combine("data"), TinyPipeline.Directory(), TestPlatform.EmbeddedWorkerSettings);
            await IngestAsync(platform.Host, state, timeout.Token);
            var runId = (await platform.StartRunAsync("tiny", timeout.Token, LongTraining)).Id;
            await WaitForCheckpointAsync(platform.Host, runId, timeout.Token);
            Assert.Equal("Running", (await platform.Host.GetRunAsync(runId, timeout.Token)).Status);

            await server.StopAsync(timeout.Token);
            await server.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(3), timeout.Token);
            server = await EmbeddedPostgres.StartAsync(options with { Port = port }, cancellationToken: timeout.Token);
            var run = await WaitForEndAsync(platform.Host, runId, timeout.Token);

            Assert.True(run.Status == "Completed", $"run {run.Status}: {string.Join("; ", run.Stages.Select(s => $"{s.Stage} {s.Outcome} {s.Detail}"))}");
            Assert.Equal(RunStages.All, run.Stages.Select(s => s.Stage));
            var model = await platform.Host.GetAsync<ModelDetail>("api/models/tiny", timeout.Token);
            Assert.Equal(runId, Assert.Single(model.Versions).Lineage.RunId);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task IngestAsync(HostClient host, TempDirectory state, CancellationToken cancellationToken)
    {
        var file = state.Combine("tiny.csv");
        await File.WriteAllTextAsync(file, TinyPipeline.Csv(5, rows: 60), cancellationToken);
        var accepted = await host.PostFileAsync<JsonElement>("api/datasets/tiny/ingest", file, cancellationToken);
        var id = accepted.GetProperty("ingestionId").GetString();
        while ((await host.GetAsync<IngestionRecord>($"api/ingestions/{id}", cancellationToken)).Status == IngestionStatus.Running)
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Waits until the run's job is training and has uploaded a checkpoint.</summary>
    private static async Task WaitForCheckpointAsync(HostClient host, string runId, CancellationToken cancellationToken)
    {
        while ((await host.GetAsync<List<TrainingJob>>($"api/runs/{runId}/jobs", cancellationToken)).FirstOrDefault() is not { State: TrainingJobState.Leased, CheckpointEpoch: > 0 })
        {
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Polls the run until it ends; a request that fails while the database restarts is tried again.</summary>
    private static async Task<RunView> WaitForEndAsync(HostClient host, string runId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var run = await host.GetRunAsync(runId, cancellationToken);
                if (run.Status is "Completed" or "Failed" or "Terminated")
                {
                    return run;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500, cancellationToken);
        }
    }
}
