using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Registry;
using Workflows.Orchestrations.Runs;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// The model plane through real runs (embedded worker, real trainer, ONNX Runtime): evaluation, registration, the
/// gate's decisions (thresholds, must beat production, manual approval and its timeout), staged deploys (canary
/// promoted, aborted, or promoted when its time is up) and the registry's API.
/// </summary>
public sealed class ModelPlaneTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_first_run_registers_and_deploys_its_model_with_its_evaluation_lineage_and_baseline()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync(null, null, timeout.Token);

        var run = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Equal("Completed", run.Status);
        Assert.Equal(RunStages.All, run.Stages.Select(s => s.Stage));
        Assert.All(run.Stages, s => Assert.Equal("Succeeded", s.Outcome));
        Assert.Equal("passed: not compared with production: nothing is in production yet", Stage(run, RunStages.Gate).Detail);
        var version = await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token);
        Assert.Equal((1, run.Id, "mlp", "cpu"), (version.Version, version.Lineage.RunId, version.Lineage.Trainer, version.Lineage.Device));
        Assert.Contains("-embedded-", version.Lineage.Worker, StringComparison.Ordinal);
        Assert.True(version.Gate!.Passed);
        Assert.NotNull(version.BaselinePath);
        Assert.InRange(version.Metrics["accuracy"]!.Value, 0, 1);
        var report = await platform.Host.GetAsync<CandidateReport>("api/models/tiny/versions/1/evaluation", timeout.Token);
        Assert.Equal(version.Metrics["accuracy"], report.Candidate.Metrics["accuracy"]);
        Assert.Equal(report.Candidate.Rows, report.Candidate.ConfusionMatrix!.Sum(row => row.Sum()));
        Assert.Equal(Calibration.BinCount, report.Candidate.Calibration!.Bins.Count);
        var onnx = await platform.Anonymous.GetByteArrayAsync("api/models/tiny/versions/1/download", timeout.Token);
        Assert.Equal(version.ModelSha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(onnx)));
        var models = await platform.Host.GetAsync<List<ModelSummary>>("api/models", timeout.Token);
        Assert.Equal(("tiny", 1, ModelAliases.Production), (models[0].Name, models[0].Versions, Assert.Single(models[0].Aliases).Alias));
    }

    [Fact]
    public async Task A_model_that_misses_a_threshold_is_registered_but_not_deployed_and_says_why()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, thresholds: { log_loss: { max: 0.000001 } } }", null, timeout.Token);

        var run = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Equal("Completed", run.Status);
        Assert.Equal("Failed", Stage(run, RunStages.Gate).Outcome);
        Assert.Matches(@"^v1 rejected: failed: log_loss [0-9.]+ misses <= 0$", Stage(run, RunStages.Gate).Detail);
        Assert.Equal(["Skipped", "Skipped"], run.Stages.Where(s => s.Stage is RunStages.Deploy or RunStages.Baseline).Select(s => s.Outcome));
        Assert.Equal("Rejected", run.Output!.Value.GetProperty("outcome").GetString());
        var version = await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/1", timeout.Token);
        Assert.False(version.Gate!.Passed);
        using var production = await platform.Anonymous.GetAsync("api/models/tiny/versions/production", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, production.StatusCode);
    }

    [Fact]
    public async Task A_retrained_model_must_beat_production_on_the_same_test_rows()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, mustBeatProduction: true }", null, timeout.Token);
        await platform.RunToEndAsync("tiny", timeout.Token);

        // The same data and seed train the same model on the CPU: a tie, which keeps production.
        var second = await platform.RunToEndAsync("tiny", timeout.Token);

        var gate = Stage(second, RunStages.Gate);
        Assert.Equal("Failed", gate.Outcome);
        Assert.Matches(@"^v2 rejected: failed: accuracy [0-9.]+ vs production v1 [0-9.]+ on the same test split: better by 0, does not beat it by more than 0$", gate.Detail);
        Assert.Equal(1, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
        var comparison = await platform.Host.GetAsync<ModelComparison>("api/models/tiny/compare?a=1&b=2", timeout.Token);
        Assert.All(comparison.Metrics.Where(m => m.A is not null), m => Assert.Equal("same", m.Better));
        Assert.Contains(comparison.Lineage, d => d.Field == "run");
    }

    [Fact]
    public async Task Manual_approval_deploys_on_approve_and_rejects_on_reject_or_silence()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, mustBeatProduction: false }", "{ approval: manual, approvalTimeout: 1h }", timeout.Token);

        var approved = await RunAnsweringAsync(platform, ApprovalEvent.Name, new ApprovalEvent(true, "ana", "metrics look right"), timeout.Token);
        var rejected = await RunAnsweringAsync(platform, ApprovalEvent.Name, new ApprovalEvent(false, "bo", "wait for more data"), timeout.Token);
        Reload(platform, "{ primaryMetric: accuracy, mustBeatProduction: false }", "{ approval: manual, approvalTimeout: 2s }");
        var silent = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Equal("v1 is production", Stage(approved, RunStages.Deploy).Detail);
        Assert.Contains("approved by ana: \"metrics look right\"", Stage(approved, RunStages.Gate).Detail, StringComparison.Ordinal);
        Assert.Equal("v2 rejected: failed: rejected by bo: \"wait for more data\"", Stage(rejected, RunStages.Gate).Detail);
        Assert.Equal("v3 rejected: failed: no approval within 00:00:02: rejected", Stage(silent, RunStages.Gate).Detail);
        Assert.Equal(1, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
        var gate = (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/2", timeout.Token)).Gate!;
        Assert.Equal(GateCheck.Approval, gate.Checks[^1].Kind);
    }

    [Fact]
    public async Task A_model_judged_against_one_production_is_not_deployed_over_another()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, mustBeatProduction: true }", "{ approval: manual, approvalTimeout: 1h }", timeout.Token);
        await RunAnsweringAsync(platform, ApprovalEvent.Name, new ApprovalEvent(false, "ana", null), timeout.Token);

        // v2 is judged while nothing is in production; before it is approved, someone puts v1 there by hand.
        var links = await platform.StartRunAsync("tiny", timeout.Token);
        await platform.WaitUntilWaitingForAsync(links.Id, ApprovalEvent.Name, timeout.Token);
        using (var moved = await platform.Http.PutAsJsonAsync("api/models/tiny/aliases/production", new SetAliasBody(1, null, null, "by hand"), timeout.Token))
        {
            moved.EnsureSuccessStatusCode();
        }

        await platform.RaiseAsync(links.Id, ApprovalEvent.Name, new ApprovalEvent(true, "bo", null), timeout.Token);
        var run = await platform.WaitForRunAsync(links.Id, timeout.Token);

        Assert.Equal(("Completed", "Aborted"), (run.Status, run.Output!.Value.GetProperty("outcome").GetString()));
        Assert.Equal(("Failed", "production moved to v1 after v2 was judged against nothing; run again to judge it against the new one"),
            (Stage(run, RunStages.Deploy).Outcome, Stage(run, RunStages.Deploy).Detail));
        Assert.Equal(1, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
    }

    [Fact]
    public async Task A_canary_is_promoted_on_request_or_when_its_time_is_up_and_an_aborted_one_leaves_production()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, mustBeatProduction: false }", "{ canaryPercent: 30, canaryDuration: 1h }", timeout.Token);
        var first = await platform.RunToEndAsync("tiny", timeout.Token);

        var promoted = await RunAnsweringAsync(platform, "Canary", new { promote = true, by = "ana" }, timeout.Token, alias => Assert.Equal((2, 30, false), (alias.Version, alias.TrafficPercent, alias.Shadow)));
        var aborted = await RunAnsweringAsync(platform, "Canary", new { promote = false, by = "bo", comment = "p99 doubled" }, timeout.Token);
        Reload(platform, "{ primaryMetric: accuracy, mustBeatProduction: false }", "{ shadow: true, canaryDuration: 2s }");
        var baked = await platform.RunToEndAsync("tiny", timeout.Token);

        Assert.Equal("v1 is production", Stage(first, RunStages.Deploy).Detail);
        Assert.Equal("v2 is production (was v1)", Stage(promoted, RunStages.Deploy).Detail);
        Assert.Equal(("Failed", "aborted by bo: p99 doubled; production stays v2"), (Stage(aborted, RunStages.Deploy).Outcome, Stage(aborted, RunStages.Deploy).Detail));
        Assert.Equal("Aborted", aborted.Output!.Value.GetProperty("outcome").GetString());
        Assert.Equal("v4 is production (was v2)", Stage(baked, RunStages.Deploy).Detail);
        var history = await platform.Host.GetAsync<List<AliasChange>>("api/models/tiny/aliases/history", timeout.Token);
        Assert.Contains(history, c => c.Alias == ModelAliases.Production && c.Version == 4 && c.Reason == "canary of 00:00:02 passed");
        Assert.DoesNotContain(await platform.Host.GetAsync<List<ModelSummary>>("api/models", timeout.Token), m => m.Aliases.Any(a => a.Alias == ModelAliases.Candidate));
    }

    [Fact]
    public async Task Aliases_move_and_roll_back_through_the_api_with_history()
    {
        using var timeout = TestTimeout.Start(Patience);
        await using var platform = await StartAsync("{ primaryMetric: accuracy, mustBeatProduction: false }", null, timeout.Token);
        await platform.RunToEndAsync("tiny", timeout.Token);
        await platform.RunToEndAsync("tiny", timeout.Token);

        using var tooEarly = await platform.Http.PostAsJsonAsync("api/models/tiny/rollback", new RollbackBody(7, null), timeout.Token);
        using var rolledBack = await platform.Http.PostAsJsonAsync("api/models/tiny/rollback", new RollbackBody(null, "bad answers"), timeout.Token);
        using var nothingBefore = await platform.Http.PostAsJsonAsync("api/models/tiny/rollback", new RollbackBody(null, null), timeout.Token);
        using var staging = await platform.Http.PutAsJsonAsync("api/models/tiny/aliases/staging", new SetAliasBody(2, null, null, "try it"), timeout.Token);
        using var badRouting = await platform.Http.PutAsJsonAsync("api/models/tiny/aliases/production", new SetAliasBody(2, 50, null, null), timeout.Token);

        Assert.Equal(HttpStatusCode.NotFound, tooEarly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        Assert.Equal(1, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/production", timeout.Token)).Version);
        Assert.Equal(HttpStatusCode.Conflict, nothingBefore.StatusCode);
        Assert.Contains("no earlier version", (await nothingBefore.Content.ReadAsStringAsync(timeout.Token)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, staging.StatusCode);
        Assert.Equal(2, (await platform.Host.GetAsync<ModelVersion>("api/models/tiny/versions/staging", timeout.Token)).Version);
        Assert.Equal(HttpStatusCode.BadRequest, badRouting.StatusCode);
        var history = await platform.Host.GetAsync<List<AliasChange>>("api/models/tiny/aliases/history?alias=production", timeout.Token);
        Assert.Equal(["bad answers", "deployed by run", "deployed by run"], history.Select(c => c.Reason.Split(' ')[0] == "deployed" ? "deployed by run" : c.Reason));
    }

    /// <summary>A host with the embedded worker and the tiny pipeline (its evaluation and deploy sections as given), with data ingested.</summary>
    private async Task<TestPlatform> StartAsync(string? evaluation, string? deploy, CancellationToken cancellationToken)
    {
        var platform = await TestPlatform.StartAsync(postgres, TinyPipeline.Directory(evaluation: evaluation, deploy: deploy), TestPlatform.EmbeddedWorkerSettings);
        var file = Path.Combine(platform.DataDirectory, "tiny.csv");
        Directory.CreateDirectory(platform.DataDirectory);
        await File.WriteAllTextAsync(file, TinyPipeline.Csv(3, rows: 60), cancellationToken);
        await platform.UploadFileAsync("tiny", file, cancellationToken);
        return platform;
    }

    /// <summary>Rewrites the definition and reloads it, as a user editing the file would.</summary>
    private static void Reload(TestPlatform platform, string evaluation, string deploy)
    {
        TinyPipeline.Write(platform.PipelinesDirectory, null, evaluation: evaluation, deploy: deploy);
        platform.App.Services.GetRequiredService<PipelineDirectory>().Reload();
    }

    /// <summary>Starts a run, waits until it waits for <paramref name="eventName"/>, optionally checks the candidate then, raises the event and waits for the end.</summary>
    private static async Task<RunView> RunAnsweringAsync(TestPlatform platform, string eventName, object answer, CancellationToken cancellationToken, Action<ModelAlias>? whileStaged = null)
    {
        var links = await platform.StartRunAsync("tiny", cancellationToken);
        await platform.WaitUntilWaitingForAsync(links.Id, eventName, cancellationToken);
        if (whileStaged is not null)
        {
            whileStaged(Assert.Single(await platform.App.Services.GetRequiredService<ModelRegistry>().AliasesAsync("tiny", cancellationToken), a => a.Alias == ModelAliases.Candidate));
        }

        await platform.RaiseAsync(links.Id, eventName, answer, cancellationToken);
        return await platform.WaitForRunAsync(links.Id, cancellationToken);
    }

    private static StageView Stage(RunView run, string stage) => run.Stages.Single(s => s.Stage == stage);
}
