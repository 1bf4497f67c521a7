using System.CommandLine;
using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Orchestrations.Monitoring;

namespace Workflows.Functions.Cli;

/// <summary><c>wf drift NAME [--check ID]</c>: a model's drift checks, or one check's full report.</summary>
public static class DriftCommands
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The model (its pipeline's name)" };
        var check = new Option<long?>("--check") { Description = "One check's full report: per feature and method, the window, data quality, prediction drift" };
        var version = new Option<int?>("--version") { Description = "Only the checks of this model version" };
        var url = CliCommand.UrlOption();
        var command = new Command("drift", "A model's drift checks, newest first, or one check's report") { name, check, version, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var home = $"api/models/{Uri.EscapeDataString(result.GetValue(name)!)}/drift";
            if (result.GetValue(check) is { } id)
            {
                var record = await host.GetAsync<DriftCheckRecord>($"{home}/{id}", ct);
                var table = new Table().AddColumns("feature", "drifted", "tests", "missing", "out of range");
                foreach (var feature in record.Report.Features)
                {
                    table.AddRow(Markup.Escape(feature.Name), feature.Drifted ? "[red]yes[/]" : feature.Tested ? "no" : "untested",
                        Markup.Escape(string.Join("; ", feature.Tests.Select(t => $"{t.Method} {t.Statistic:0.###}{(t.PValue is { } p ? $" p={p:0.####}" : "")}"))),
                        $"{feature.Quality.MissingRate:P1}", $"{feature.Quality.OutOfRangeRate:P1}");
                }

                AnsiConsole.WriteLine($"check #{record.Id} of v{record.Version} at {record.CheckedAt:u}: {record.Verdict}, {record.Report.DriftedFeatures} of {record.Report.TestedFeatures} features drifted, window {record.Report.Window.Rows} rows");
                AnsiConsole.Write(table);
                if (record.Live is { } live)
                {
                    AnsiConsole.WriteLine($"live {live.Metric}: {live.Live:0.###} on {live.LabelledRows} labelled rows (evaluation {live.Evaluation:0.###})");
                }

                AnsiConsole.WriteLine(record.RetrainNote ?? "no retraining");
                return 0;
            }

            var query = result.GetValue(version) is { } v ? $"?version={v}" : "";
            var checks = new Table().AddColumns("check", "version", "at", "rows", "verdict", "drifted", "live", "retraining");
            foreach (var c in await host.GetAsync<List<DriftCheckSummary>>(home + query, ct))
            {
                checks.AddRow($"#{c.Id}", $"v{c.Version}", $"{c.CheckedAt:HH:mm:ss}", $"{c.Rows}", c.Verdict.ToString(), $"{c.DriftedFeatures}/{c.TestedFeatures}",
                    c.Live is { Live: { } value } live ? $"{live.Metric} {value:0.###}" : "", Markup.Escape(Retraining(c)));
            }

            AnsiConsole.Write(checks);
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>Why a check started a run or not, and what became of the run: "started run …; Completed, Rejected: v3 rejected: …".</summary>
    private static string Retraining(DriftCheckSummary check) => check.Retrain is { } run
        ? $"{check.RetrainNote}; {run.Status}{(run.Outcome is { } outcome ? ", " + outcome : "")}{(run.Stage is { } stage ? $" ({stage}: {run.Detail})" : "")}"
        : check.RetrainNote ?? "";
}
