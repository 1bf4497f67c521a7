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
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Platform;
using Workflows.Orchestrations.Registry;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;

namespace Workflows.Functions.Demo;

/// <summary>
/// <c>wf demo</c>, the main job: on a fresh data directory it starts PostgreSQL and the host, drops the breast-cancer
/// data into the drop folder, and follows the ingestion and the pipeline run it starts: the sweep trains on the host's
/// embedded worker, the best model is evaluated through ONNX Runtime, gated, registered and deployed; then it drops a
/// damaged copy and shows its quarantine report. It succeeds only if each step ended as it should: the data
/// registered, every trial trained, the run completed with every stage, a model in production, and the damaged file
/// quarantined.
/// </summary>
public static class DemoCommand
{
    private const string Pipeline = "breast-cancer";
    private const string Dataset = "breast-cancer";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var serve = new Option<bool>("--serve") { Description = "Keep serving the API after the demo" };
        var command = new Command("demo", "Run the breast-cancer pipeline from a dropped file to a deployed model") { serve };
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

        var source = Path.Combine(WorkflowsHost.PipelinesDirectory, "data", "breast_cancer.csv");
        using var startupLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await using var postgres = await WorkflowsHost.StartPostgresAsync(WorkflowsHost.LoadConfiguration(), startupLogs.CreateLogger("Workflows.Demo"), cancellationToken, dataDirectory);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var app = PlatformHost.Build(["--urls", "http://127.0.0.1:0", "--workflows:dataDirectory", dataDirectory, "--Logging:LogLevel:Default", "Warning", "--Logging:LogLevel:Workflows", "Warning", "--Logging:LogLevel:Workflows.Durable", "Warning"],
            postgres.ConnectionString, builder => builder.Services.PostConfigure<ApiKeyOptions>(o => o.Keys.Add(key)));
        await app.StartAsync(cancellationToken);
        using var host = new HostClient(app.Urls.First(), key);
        var drop = Path.Combine(app.Services.GetRequiredService<PlatformOptions>().DropDirectory, Dataset);
        var outcome = new List<(string Step, bool AsExpected, string What)>();

        AnsiConsole.MarkupLine($"[bold]Workflows demo[/]: PostgreSQL {(postgres.IsEmbedded ? "embedded" : "external")}, host at {Markup.Escape(host.BaseUrl)}, data in {Markup.Escape(dataDirectory)}");
        AnsiConsole.MarkupLine($"1. Dropping {Markup.Escape(Path.GetFileName(source))} into {Markup.Escape(drop)} (written as .part, then renamed)");
        var ingestion = await DropAndWaitAsync(host, source, drop, "breast_cancer.csv", cancellationToken);
        outcome.Add(("ingest", ingestion.Status == IngestionStatus.Registered, $"{ingestion.Status}: {Dataset} v{ingestion.Version}"));
        if (ingestion.Version is { } number)
        {
            var version = await host.GetAsync<DatasetVersion>($"api/datasets/{Dataset}/versions/{number}", cancellationToken);
            AnsiConsole.MarkupLine($"   {RunFollower.Colour(ingestion.Status.ToString())} {Dataset} v{version.Version}: {version.RowCount} rows, sha256 {version.ContentSha256[..16]}…");

            AnsiConsole.MarkupLine($"2. The new version starts a run of pipeline '{Pipeline}' (runOnNewVersion); following it:");
            var run = await RunFollower.FollowAsync(host, await WaitForRunAsync(host, cancellationToken), AnsiConsole.Console, cancellationToken);
            var deployed = run.Status == "Completed" && run.Stages.Count == RunStages.All.Count && run.Stages.All(s => s.Outcome == "Succeeded");
            outcome.Add(("run", deployed, $"{run.Status}: {run.Stages.LastOrDefault()?.Stage} {run.Stages.LastOrDefault()?.Detail}"));
            AnsiConsole.Write(RunFollower.StageTable(run).Title($"Run {Markup.Escape(run.Id)}: {run.Status}"));
            var jobs = await host.GetAsync<List<TrainingJob>>($"api/runs/{run.Id}/jobs", cancellationToken);
            outcome.Add(("train", jobs.Count > 0 && jobs.All(j => j.State == TrainingJobState.Succeeded), $"{jobs.Count(j => j.State == TrainingJobState.Succeeded)} of {jobs.Count} trials trained"));
            AnsiConsole.Write(RunFollower.TrialTable(jobs).Title("Trials"));
            var model = await host.GetAsync<ModelDetail>($"api/models/{Pipeline}", cancellationToken);
            var production = model.Aliases.FirstOrDefault(a => a.Alias == ModelAliases.Production);
            outcome.Add(("deploy", production is not null, production is null ? "nothing in production" : $"{Pipeline} v{production.Version} is production"));
            AnsiConsole.Write(ModelCommands.VersionTable(model.Versions, model.Aliases).Title("Registered models"));
            AnsiConsole.MarkupLine($"Explore: {Markup.Escape(run.Links.StatusQueryGetUri)}, {Markup.Escape(host.BaseUrl)}/api/models/{Pipeline}, {Markup.Escape(host.BaseUrl)}/api/datasets/{Dataset}/versions, {Markup.Escape(host.BaseUrl)}/api/openapi.json");
        }

        AnsiConsole.MarkupLine("3. Dropping a damaged copy (a text value in a numeric column, a short row):");
        var damaged = Path.Combine(dataDirectory, "breast_cancer_damaged.csv");
        await WriteDamagedCopyAsync(source, damaged, cancellationToken);
        var rejected = await DropAndWaitAsync(host, damaged, drop, "breast_cancer_damaged.csv", cancellationToken);
        outcome.Add(("quarantine", rejected.Status == IngestionStatus.Quarantined, $"{rejected.Status}: {rejected.Quarantine}"));
        if (rejected.Report is { } report)
        {
            foreach (var finding in report.GetProperty("findings").EnumerateArray())
            {
                AnsiConsole.MarkupLine($"   [red]{Markup.Escape(finding.GetProperty("severity").ToString())}[/] {Markup.Escape(finding.GetProperty("message").ToString())}");
            }
        }

        var summary = new Table().AddColumns("step", "as expected", "outcome");
        foreach (var (step, expected, what) in outcome)
        {
            summary.AddRow(step, expected ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(what));
        }

        AnsiConsole.Write(summary);
        if (serve)
        {
            AnsiConsole.MarkupLine($"Serving at {Markup.Escape(host.BaseUrl)} (API key {key}); Ctrl+C stops.");
            await app.WaitForShutdownAsync(cancellationToken);
        }

        await app.StopAsync(CancellationToken.None);
        return outcome.All(o => o.AsExpected) ? 0 : 1;
    }

    /// <summary>Writes the file into the drop as a partial file, renames it, and waits for its ingestion to end.</summary>
    private static async Task<IngestionRecord> DropAndWaitAsync(HostClient host, string file, string drop, string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(drop);
        var partial = Path.Combine(drop, name + ".part");
        File.Copy(file, partial, overwrite: true);
        File.Move(partial, Path.Combine(drop, name));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        while (true)
        {
            var found = (await host.GetAsync<List<IngestionRecord>>($"api/ingestions?dataset={Dataset}", timeout.Token))
                .FirstOrDefault(i => Path.GetFileName(i.Source) == name && i.Status != IngestionStatus.Running);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    private static async Task<string> WaitForRunAsync(HostClient host, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        while (true)
        {
            if ((await host.GetAsync<RunPage>($"api/runs?pipeline={Pipeline}", timeout.Token)).Items.FirstOrDefault() is { } run)
            {
                return run.Id;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    /// <summary>The data with a text value in the first column of data row 3 and the last field of data row 5 cut off.</summary>
    private static async Task WriteDamagedCopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(source, cancellationToken);
        var row = lines[3].Split(',');
        row[0] = "not-a-number";
        lines[3] = string.Join(',', row);
        lines[5] = lines[5][..lines[5].LastIndexOf(',')];
        await File.WriteAllLinesAsync(target, lines, cancellationToken);
    }
}
