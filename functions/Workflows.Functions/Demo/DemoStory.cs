using System.Diagnostics;
using System.Text.Json;
using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Functions.Cli;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Registry;
using Workflows.Orchestrations.Runs;

namespace Workflows.Functions.Demo;

/// <summary>
/// The main job's story, told to a running host over its HTTP API and drop folder: ingest the breast-cancer data by
/// dropping it, train (an 8-trial sweep), evaluate, gate and deploy; serve live traffic, which the scheduled drift
/// check calls stable; a second scanner's data arrives and its traffic drifts; the drift check starts a retraining run
/// on the new data, whose model beats production on the new test rows and is deployed after a short canary; a damaged
/// file is quarantined. Each step records whether it ended as the story needs.
/// </summary>
public sealed class DemoStory(HostClient host, string dropDirectory, DemoData data, IAnsiConsole console)
{
    private const int TrafficRows = 300;
    private const int RowsPerRequest = 50;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);
    private readonly string _model = $"api/models/{DemoData.Pipeline}";

    public List<DemoStep> Steps { get; } = [];

    /// <summary>The runs the story started or followed, in order.</summary>
    public List<RunView> Runs { get; } = [];

    /// <summary>The drift checks that decided a step.</summary>
    public List<DriftCheckRecord> Checks { get; } = [];

    public async Task TellAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        console.MarkupLine($"1. Dropping {Path.GetFileName(data.Source)} into {Markup.Escape(dropDirectory)} (written as .part, then renamed)");
        var first = await IngestAsync(data.Source, "breast_cancer.csv", IngestionStatus.Registered, "ingest", cancellationToken);
        if (first.Version is null)
        {
            return;
        }

        console.MarkupLine($"2. Training, evaluating and deploying from {DemoData.Dataset} v{first.Version}:");
        var links = await host.PostAsync<ManagementLinks>($"api/pipelines/{DemoData.Pipeline}/runs", new StartRunBody(first.Version, null), cancellationToken);
        var run = await FollowAsync(links.Id, cancellationToken);
        Steps.Add(new DemoStep("train and deploy", run.Status == "Completed" && Deployed(run), $"{run.Status}: {Stage(run, RunStages.Deploy)?.Detail}"));
        if (!Deployed(run))
        {
            return;
        }

        console.MarkupLine($"3. Serving {TrafficRows} live requests like the training data; the drift check runs every 5 s:");
        var stable = await TrafficThenCheckAsync(data.Traffic(TrafficRows, seed: 1, rescaled: false), cancellationToken);
        Steps.Add(new DemoStep("live traffic", stable?.Verdict == DriftVerdict.Stable, Describe(stable)));

        console.MarkupLine("4. A second scanner's data arrives (sizes read 40% larger) and is ingested:");
        var rescaledFile = Path.Combine(Path.GetTempPath(), $"workflows-demo-{Guid.NewGuid():N}.csv");
        data.WriteRescaled(rescaledFile);
        var second = await IngestAsync(rescaledFile, "breast_cancer_scanner2.csv", IngestionStatus.Registered, "new data", cancellationToken);
        File.Delete(rescaledFile);

        console.MarkupLine($"5. Serving {TrafficRows} requests from the second scanner:");
        var drifted = await TrafficThenCheckAsync(data.Traffic(TrafficRows, seed: 2, rescaled: true), cancellationToken);
        Steps.Add(new DemoStep("drift", drifted is { Verdict: DriftVerdict.Drifted, RetrainRunId: not null }, Describe(drifted)));
        if (drifted?.RetrainRunId is { } retrainId)
        {
            console.MarkupLine($"6. The drift check started run {Markup.Escape(retrainId)} on {DemoData.Dataset} v{second.Version}:");
            var retrain = await FollowAsync(retrainId, cancellationToken);
            var production = await host.GetAsync<ModelVersion>($"{_model}/versions/production", cancellationToken);
            Steps.Add(new DemoStep("retrain and redeploy", retrain.Status == "Completed" && Deployed(retrain) && production.Lineage.RunId == retrainId,
                $"{retrain.Status}: gate {Stage(retrain, RunStages.Gate)?.Detail}; {Stage(retrain, RunStages.Deploy)?.Detail}"));
        }

        console.MarkupLine("7. Dropping a damaged copy (a text value in a numeric column, a short row):");
        var damaged = Path.Combine(Path.GetTempPath(), $"workflows-demo-{Guid.NewGuid():N}.csv");
        data.WriteDamaged(damaged);
        var rejected = await IngestAsync(damaged, "breast_cancer_damaged.csv", IngestionStatus.Quarantined, "quarantine", cancellationToken);
        File.Delete(damaged);
        if (rejected.Report is { } report)
        {
            foreach (var finding in report.GetProperty("findings").EnumerateArray())
            {
                var column = finding.TryGetProperty("column", out var named) && named.ValueKind == JsonValueKind.String ? $"{named.GetString()}: " : "";
                console.MarkupLine($"   [red]{Markup.Escape(finding.GetProperty("severity").ToString())}[/] {Markup.Escape(column + finding.GetProperty("message").ToString())}");
            }
        }

        Steps.Add(new DemoStep("whole story", clock.Elapsed < TimeSpan.FromMinutes(3), $"{clock.Elapsed.TotalSeconds:F0} s after the host started"));
    }

    private static bool Deployed(RunView run) => Stage(run, RunStages.Deploy)?.Outcome == "Succeeded" && run.Stages.All(s => s.Outcome == "Succeeded");

    private static StageView? Stage(RunView run, string stage) => run.Stages.FirstOrDefault(s => s.Stage == stage);

    private async Task<RunView> FollowAsync(string runId, CancellationToken cancellationToken)
    {
        var run = await RunFollower.FollowAsync(host, runId, console, cancellationToken);
        Runs.Add(run);
        return run;
    }

    /// <summary>Sends traffic, then waits for the first drift check after it that had enough rows to decide.</summary>
    private async Task<DriftCheckRecord?> TrafficThenCheckAsync(IReadOnlyList<Dictionary<string, double>> rows, CancellationToken cancellationToken)
    {
        var before = (await host.GetAsync<List<DriftCheckSummary>>($"{_model}/drift?limit=1", cancellationToken)).FirstOrDefault()?.Id ?? 0;
        var answered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in rows.Chunk(RowsPerRequest))
        {
            var answer = await host.PostAsync<JsonElement>($"{_model}/predict", new { rows = chunk }, cancellationToken);
            foreach (var label in answer.GetProperty("predictions").EnumerateArray())
            {
                answered[label.GetString()!] = answered.GetValueOrDefault(label.GetString()!) + 1;
            }
        }

        console.MarkupLine($"   answered: {string.Join(", ", answered.Select(a => $"{a.Value} {a.Key}"))}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        while (true)
        {
            var decided = (await host.GetAsync<List<DriftCheckSummary>>($"{_model}/drift?limit=20", timeout.Token))
                .Where(c => c.Id > before && c.Verdict != DriftVerdict.InsufficientData && (c.Verdict != DriftVerdict.Drifted || c.RetrainNote is not null))
                .OrderBy(c => c.Id).FirstOrDefault();
            if (decided is not null)
            {
                var check = await host.GetAsync<DriftCheckRecord>($"{_model}/drift/{decided.Id}", timeout.Token);
                Checks.Add(check);
                console.MarkupLine($"   drift check #{check.Id}: {Markup.Escape(Describe(check))}");
                return check;
            }

            await Task.Delay(Poll, timeout.Token);
        }
    }

    private static string Describe(DriftCheckRecord? check) => check is null
        ? "no check decided"
        : $"v{check.Version}, {check.Report.Window.Rows} rows: {check.Verdict}, {check.Report.DriftedFeatures} of {check.Report.TestedFeatures} features drifted"
          + (check.Report.DriftedFeatures > 0 ? $" ({string.Join(", ", check.Report.Features.Where(f => f.Drifted).Take(4).Select(f => f.Name))}{(check.Report.DriftedFeatures > 4 ? ", ..." : "")})" : "")
          + (check.RetrainNote is { } note ? $"; {note}" : "");

    /// <summary>Writes the file into the drop as a partial file, renames it, and waits for its ingestion to end.</summary>
    private async Task<IngestionRecord> IngestAsync(string file, string name, IngestionStatus expected, string step, CancellationToken cancellationToken)
    {
        var drop = Path.Combine(dropDirectory, DemoData.Dataset);
        Directory.CreateDirectory(drop);
        var partial = Path.Combine(drop, name + ".part");
        File.Copy(file, partial, overwrite: true);
        File.Move(partial, Path.Combine(drop, name));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StepTimeout);
        while (true)
        {
            var found = (await host.GetAsync<List<IngestionRecord>>($"api/ingestions?dataset={DemoData.Dataset}", timeout.Token))
                .FirstOrDefault(i => Path.GetFileName(i.Source) == name && i.Status != IngestionStatus.Running);
            if (found is not null)
            {
                var what = found.Status == IngestionStatus.Registered ? $"{DemoData.Dataset} v{found.Version}" : found.Quarantine ?? found.Error ?? "";
                console.MarkupLine($"   {RunFollower.Colour(found.Status.ToString())} {Markup.Escape(what)}");
                Steps.Add(new DemoStep(step, found.Status == expected, $"{found.Status}: {what}"));
                return found;
            }

            await Task.Delay(Poll, timeout.Token);
        }
    }
}
