using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Functions.Hosting;
using Workflows.Orchestrations.Platform;

namespace Workflows.Functions.Demo;

/// <summary>
/// <c>wf demo</c>, the main job: on a fresh data directory it starts PostgreSQL and the host (with its embedded
/// worker), tells the <see cref="DemoStory"/> (ingest, train, deploy, serve, drift, retrain, redeploy, quarantine),
/// prints a summary (runs, stages with durations, model versions and metrics, drift checks, where to look), and
/// exits 0 only if every step ended as the story needs. <c>--serve</c> keeps the host up afterwards.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var serve = new Option<bool>("--serve") { Description = "Keep serving the API after the demo" };
        var command = new Command("demo", "The whole loop on the breast-cancer data: ingest, train, deploy, serve, detect drift, retrain, redeploy") { serve };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(serve), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool serve, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(WorkflowsHost.DataDirectory, "demo");
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        var pipelines = DemoData.WritePipelines(WorkflowsHost.PipelinesDirectory, Path.Combine(dataDirectory, "pipelines"));
        using var startupLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await using var postgres = await WorkflowsHost.StartPostgresAsync(WorkflowsHost.LoadConfiguration(), startupLogs.CreateLogger("Workflows.Demo"), cancellationToken, dataDirectory);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var app = PlatformHost.Build(
            ["--urls", serve ? PlatformHost.DefaultUrl : "http://127.0.0.1:0", "--workflows:dataDirectory", dataDirectory, "--workflows:pipelinesDirectory", pipelines,
             "--workflows:serving:sampleRate", "1.0", "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Workflows", "Warning", "--Logging:LogLevel:Workflows.Durable", "Warning"],
            postgres.ConnectionString, builder => builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(key)));
        await app.StartAsync(cancellationToken);
        using var host = new HostClient(app.Urls.First(), key);
        var drop = app.Services.GetRequiredService<PlatformOptions>().DropDirectory;

        AnsiConsole.MarkupLine($"[bold]Workflows demo[/]: PostgreSQL {(postgres.IsEmbedded ? "embedded" : "external")}, host at {Markup.Escape(host.BaseUrl)}, data in {Markup.Escape(dataDirectory)}");
        var story = new DemoStory(host, drop, DemoData.Load(WorkflowsHost.PipelinesDirectory), AnsiConsole.Console);
        try
        {
            await story.TellAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HostRequestException && !cancellationToken.IsCancellationRequested)
        {
            story.Steps.Add(new DemoStep("story", false, $"stopped: {ex.Message}"));
        }

        await PrintSummaryAsync(host, story, cancellationToken);
        if (serve)
        {
            AnsiConsole.MarkupLine($"Serving at {Markup.Escape(host.BaseUrl)} (API key {key}); Ctrl+C stops.");
            await app.WaitForShutdownAsync(cancellationToken);
        }

        await app.StopAsync(CancellationToken.None);
        return story.Steps.Count > 0 && story.Steps.All(s => s.AsExpected) ? 0 : 1;
    }

    private static async Task PrintSummaryAsync(HostClient host, DemoStory story, CancellationToken cancellationToken)
    {
        AnsiConsole.WriteLine();
        var runs = new Table().Title("Runs").AddColumns("run", "trigger", "status", "took", "stages (duration)");
        foreach (var run in story.Runs)
        {
            runs.AddRow(Markup.Escape(run.Id), run.Trigger, RunFollower.Colour(run.Status), $"{(run.CompletedAt - run.CreatedAt)?.TotalSeconds:F1} s",
                Markup.Escape(string.Join(", ", run.Stages.Select(s => $"{s.Stage} {s.DurationSeconds:F1}s{(s.Outcome == "Succeeded" ? "" : $" {s.Outcome}")}"))));
        }

        AnsiConsole.Write(runs);
        var model = await host.GetAsync<ModelDetail>($"api/models/{DemoData.Pipeline}", cancellationToken);
        AnsiConsole.Write(ModelCommands.VersionTable(model.Versions, model.Aliases).Title("Model versions"));
        var checks = new Table().Title("Drift checks that decided").AddColumns("check", "version", "rows", "verdict", "drifted features", "retraining");
        foreach (var check in story.Checks)
        {
            checks.AddRow($"#{check.Id}", $"v{check.Version}", $"{check.Report.Window.Rows}", check.Verdict.ToString(),
                Markup.Escape($"{check.Report.DriftedFeatures} of {check.Report.TestedFeatures}: {string.Join(", ", check.Report.Features.Where(f => f.Drifted).Select(f => f.Name))}"),
                Markup.Escape(check.RetrainNote ?? ""));
        }

        AnsiConsole.Write(checks);
        var steps = new Table().Title("The story").AddColumns("step", "as expected", "outcome");
        foreach (var step in story.Steps)
        {
            steps.AddRow(step.Step, step.AsExpected ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(step.What));
        }

        AnsiConsole.Write(steps);
        AnsiConsole.MarkupLine($"Explore: {Markup.Escape(host.BaseUrl)}/api/models/{DemoData.Pipeline} (versions, /drift, /aliases/history), "
            + $"{Markup.Escape(host.BaseUrl)}/api/runs, {Markup.Escape(host.BaseUrl)}/api/datasets/{DemoData.Dataset}/versions, {Markup.Escape(host.BaseUrl)}/api/openapi.json");
    }
}
