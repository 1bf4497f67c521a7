using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Functions.Cli;

/// <summary><c>wf datasets [NAME] [--version N]</c> and <c>wf ingest FILE --dataset NAME</c>.</summary>
public static class DatasetCommands
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    public static Command List()
    {
        var name = new Argument<string?>("NAME") { Description = "A dataset: list its versions", Arity = ArgumentArity.ZeroOrOne };
        var version = new Option<int?>("--version") { Description = "Show one version: schema, statistics, lineage, report" };
        var diff = new Option<int[]>("--diff") { Description = "Compare two versions: --diff 1 2", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var download = new Option<FileInfo?>("--download") { Description = "With --version: save that version's canonical CSV to this file" };
        var url = CliCommand.UrlOption();
        var command = new Command("datasets", "List datasets, a dataset's versions, one version, a diff of two, or download one") { name, version, diff, download, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            if (result.GetValue(name) is not { } dataset)
            {
                var table = new Table().AddColumns("dataset", "versions", "latest", "latest at");
                foreach (var d in await host.GetAsync<List<DatasetSummary>>("api/datasets", ct))
                {
                    table.AddRow(Markup.Escape(d.Name), $"{d.Versions}", d.LatestVersion is { } v ? $"v{v}" : "", $"{d.LatestAt:yyyy-MM-dd HH:mm:ss}");
                }

                AnsiConsole.Write(table);
                return 0;
            }

            if (result.GetValue(diff) is [var from, var to])
            {
                var changes = await host.GetAsync<DatasetDiff>($"api/datasets/{Uri.EscapeDataString(dataset)}/diff?from={from}&to={to}", ct);
                AnsiConsole.WriteLine($"{dataset} v{from} → v{to}: rows {changes.RowsFrom:N0} → {changes.RowsTo:N0}; columns added: {string.Join(", ", changes.ColumnsAdded.DefaultIfEmpty("none"))}; removed: {string.Join(", ", changes.ColumnsRemoved.DefaultIfEmpty("none"))}");
                var table = new Table().AddColumns("column", "Δ nulls", "Δ mean", "Δ std", "Δ min", "Δ max");
                foreach (var c in changes.Columns)
                {
                    table.AddRow(Markup.Escape(c.Column), $"{c.NullsDelta:+#;-#;0}", $"{c.MeanDelta:+0.####;-0.####;0}", $"{c.StdDevDelta:+0.####;-0.####;0}", $"{c.MinDelta:+0.####;-0.####;0}", $"{c.MaxDelta:+0.####;-0.####;0}");
                }

                foreach (var t in changes.TypesChanged)
                {
                    AnsiConsole.MarkupLine($"[yellow]type changed[/] {Markup.Escape(t.Column)}: {t.From} → {t.To}");
                }

                AnsiConsole.Write(table);
                return 0;
            }

            if (result.GetValue(version) is { } saved && result.GetValue(download) is { } target)
            {
                await host.DownloadAsync($"api/datasets/{Uri.EscapeDataString(dataset)}/versions/{saved}/download", target.FullName, ct);
                AnsiConsole.MarkupLine($"Saved {Markup.Escape(dataset)} v{saved} to {Markup.Escape(target.FullName)}");
                return 0;
            }

            if (result.GetValue(version) is { } number)
            {
                var found = await host.GetAsync<DatasetVersion>($"api/datasets/{Uri.EscapeDataString(dataset)}/versions/{number}", ct);
                AnsiConsole.WriteLine(JsonSerializer.Serialize(found, new JsonSerializerOptions(HostClient.JsonOptions) { WriteIndented = true }));
                return 0;
            }

            var versions = new Table().AddColumns("version", "rows", "sha256", "source", "trigger", "parent", "created");
            foreach (var v in await host.GetAsync<List<DatasetVersion>>($"api/datasets/{Uri.EscapeDataString(dataset)}/versions", ct))
            {
                versions.AddRow($"v{v.Version}", $"{v.RowCount:N0}", v.ContentSha256[..12], Markup.Escape(Path.GetFileName(v.Lineage.Source)),
                    Markup.Escape(v.Lineage.Trigger), v.Lineage.ParentVersion is { } p ? $"v{p}" : "", $"{v.CreatedAt:yyyy-MM-dd HH:mm:ss}");
            }

            AnsiConsole.Write(versions);
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command Ingest()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A CSV file" };
        var dataset = new Option<string>("--dataset") { Description = "The dataset it is a version of", Required = true };
        var url = CliCommand.UrlOption();
        var command = new Command("ingest", "Upload a file as a new dataset version and wait for the outcome") { file, dataset, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(path.FullName)} does not exist.[/]");
                return 2;
            }

            var name = result.GetValue(dataset)!;
            var accepted = await host.PostFileAsync<JsonElement>($"api/datasets/{Uri.EscapeDataString(name)}/ingest", path.FullName, ct);
            var id = accepted.GetProperty("ingestionId").GetString()!;
            var record = await AnsiConsole.Status().StartAsync($"Ingesting {Markup.Escape(path.Name)} ({id})", async _ =>
            {
                while (true)
                {
                    var current = await host.GetAsync<IngestionRecord>($"api/ingestions/{id}", ct);
                    if (current.Status != IngestionStatus.Running)
                    {
                        return current;
                    }

                    await Task.Delay(Poll, ct);
                }
            });
            AnsiConsole.MarkupLine(record.Status switch
            {
                IngestionStatus.Registered => $"[green]Registered[/] {Markup.Escape(name)} v{record.Version}",
                IngestionStatus.Quarantined => $"[red]Quarantined[/] in {Markup.Escape(record.Quarantine ?? "")}",
                _ => $"[red]{record.Status}[/] {Markup.Escape(record.Error ?? "")}",
            });
            if (record.Report is { } report && report.TryGetProperty("findings", out var findings))
            {
                foreach (var finding in findings.EnumerateArray())
                {
                    AnsiConsole.MarkupLine($"  {Markup.Escape(finding.GetProperty("severity").ToString())} {Markup.Escape(finding.GetProperty("rule").ToString())}: {Markup.Escape(finding.GetProperty("message").ToString())}");
                }
            }

            return record.Status == IngestionStatus.Registered ? 0 : 1;
        }, cancellationToken));
        return command;
    }
}
