using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Functions.Demo;
using Workflows.Functions.Tests.Infrastructure;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Registry;
using Workflows.Testing;

namespace Workflows.Functions.Tests;

/// <summary>
/// README's main job, told on real services (embedded PostgreSQL, the host, its embedded worker, the real trainer and
/// ONNX Runtime): every step of the story must end as it should, and the registry, runs and drift reports must show it.
/// </summary>
public sealed class MainJobTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_whole_story_ingests_deploys_detects_drift_retrains_on_new_data_and_redeploys()
    {
        using var timeout = TestTimeout.Start(TimeSpan.FromMinutes(5));
        var pipelines = DemoData.WritePipelines(TestPlatform.RepositoryPipelines, Path.Combine(Path.GetTempPath(), "workflows-functions-tests", "demo-" + Guid.NewGuid().ToString("N")[..12]));
        await using var platform = await TestPlatform.StartAsync(postgres, pipelines, [.. TestPlatform.EmbeddedWorkerSettings, "--workflows:serving:sampleRate", "1.0"]);
        var quiet = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        var story = new DemoStory(platform.Host, Path.Combine(platform.DataDirectory, "drop"), DemoData.Load(TestPlatform.RepositoryPipelines), quiet);

        await story.TellAsync(timeout.Token);

        Assert.Equal(["ingest", "train and deploy", "live traffic", "new data", "drift", "retrain and redeploy", "quarantine", "whole story"], story.Steps.Select(s => s.Step));
        Assert.All(story.Steps.Where(s => s.Step != "whole story"), s => Assert.True(s.AsExpected, $"{s.Step}: {s.What}"));
        Assert.Equal([("http", "Completed"), ("drift", "Completed")], story.Runs.Select(r => (r.Trigger, r.Status)));
        Assert.Equal([DriftVerdict.Stable, DriftVerdict.Drifted], story.Checks.Select(c => c.Verdict));
        Assert.Equal(story.Runs[1].Id, story.Checks[1].RetrainRunId);
        Assert.Contains("mean radius", story.Checks[1].Report.Features.Where(f => f.Drifted).Select(f => f.Name));
        var model = await platform.Host.GetAsync<ModelDetail>("api/models/breast-cancer", timeout.Token);
        Assert.Equal([2, 1], model.Versions.Select(v => v.Version));
        Assert.Equal((2, 2), (model.Aliases.Single(a => a.Alias == ModelAliases.Production).Version, model.Versions[0].Lineage.DatasetVersion));
        var gate = model.Versions[0].Gate!;
        Assert.Contains(gate.Checks, c => c.Kind == Orchestrations.Evaluation.GateCheck.Production && c.Passed && c.Detail.Contains("vs production v1", StringComparison.Ordinal));
        var history = await platform.Host.GetAsync<List<AliasChange>>("api/models/breast-cancer/aliases/history", timeout.Token);
        Assert.Contains(history, c => c.Alias == ModelAliases.Candidate && c.Version == 2 && c.Reason.Contains("canary", StringComparison.Ordinal));
    }
}
