using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Workflows.Functions.Api;
using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Cli;

/// <summary>
/// The registry from the command line: <c>wf models [NAME]</c> (list, show, compare, history, download),
/// <c>wf alias</c>, <c>wf promote</c> and <c>wf rollback</c>.
/// </summary>
public static class ModelCommands
{
    public static Command List()
    {
        var name = new Argument<string?>("NAME") { Description = "A model (its pipeline's name): list its versions and aliases", Arity = ArgumentArity.ZeroOrOne };
        var version = new Option<string?>("--version") { Description = "Show one version (a number or an alias): metrics, lineage, gate decision" };
        var compare = new Option<string[]>("--compare") { Description = "Compare two versions: --compare 1 2", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var history = new Option<bool>("--history") { Description = "Every alias move, newest first" };
        var download = new Option<FileInfo?>("--download") { Description = "With --version: save that version's ONNX file here" };
        var url = CliCommand.UrlOption();
        var command = new Command("models", "List models, a model's versions and aliases, one version, a comparison, the alias history, or download one")
            { name, version, compare, history, download, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            if (result.GetValue(name) is not { } model)
            {
                var table = new Table().AddColumns("model", "versions", "latest", "aliases");
                foreach (var m in await host.GetAsync<List<ModelSummary>>("api/models", ct))
                {
                    table.AddRow(Markup.Escape(m.Name), $"{m.Versions}", $"v{m.LatestVersion}", Markup.Escape(Aliases(m.Aliases)));
                }

                AnsiConsole.Write(table);
                return 0;
            }

            var home = $"api/models/{Uri.EscapeDataString(model)}";
            if (result.GetValue(compare) is [var a, var b])
            {
                var comparison = await host.GetAsync<ModelComparison>($"{home}/compare?a={Uri.EscapeDataString(a)}&b={Uri.EscapeDataString(b)}", ct);
                var metrics = new Table().AddColumns("metric", $"v{comparison.A}", $"v{comparison.B}", "Δ (b - a)", "better");
                foreach (var m in comparison.Metrics)
                {
                    metrics.AddRow(m.Metric, $"{m.A:0.####}", $"{m.B:0.####}", $"{m.Delta:+0.####;-0.####;0}", m.Better ?? "");
                }

                AnsiConsole.Write(metrics);
                foreach (var d in comparison.Lineage)
                {
                    AnsiConsole.WriteLine($"{d.Field}: {d.A} → {d.B}");
                }

                return 0;
            }

            if (result.GetValue(history))
            {
                var table = new Table().AddColumns("when", "alias", "from", "to", "reason", "run");
                foreach (var c in await host.GetAsync<List<AliasChange>>($"{home}/aliases/history", ct))
                {
                    table.AddRow($"{c.ChangedAt:yyyy-MM-dd HH:mm:ss}", c.Alias, c.PreviousVersion is { } p ? $"v{p}" : "", c.Version is { } v ? $"v{v}" : "(removed)",
                        Markup.Escape(c.Reason), Markup.Escape(c.RunId ?? ""));
                }

                AnsiConsole.Write(table);
                return 0;
            }

            if (result.GetValue(version) is { } chosen)
            {
                if (result.GetValue(download) is { } target)
                {
                    await host.DownloadAsync($"{home}/versions/{Uri.EscapeDataString(chosen)}/download", target.FullName, ct);
                    AnsiConsole.MarkupLine($"Saved {Markup.Escape(model)} {Markup.Escape(chosen)} to {Markup.Escape(target.FullName)}");
                    return 0;
                }

                var found = await host.GetAsync<ModelVersion>($"{home}/versions/{Uri.EscapeDataString(chosen)}", ct);
                AnsiConsole.WriteLine(JsonSerializer.Serialize(found, new JsonSerializerOptions(HostClient.JsonOptions) { WriteIndented = true }));
                return 0;
            }

            var detail = await host.GetAsync<ModelDetail>(home, ct);
            AnsiConsole.WriteLine($"aliases: {Aliases(detail.Aliases)}");
            AnsiConsole.Write(VersionTable(detail.Versions, detail.Aliases));
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command SetAlias()
    {
        var name = new Argument<string>("NAME") { Description = "The model" };
        var alias = new Argument<string>("ALIAS") { Description = "production, candidate, or a name of yours" };
        var version = new Argument<int>("VERSION") { Description = "The version it should name" };
        var traffic = new Option<int?>("--traffic") { Description = "For the candidate: the share of requests (0-100) it answers as a canary" };
        var shadow = new Option<bool>("--shadow") { Description = "For the candidate: score copies of requests without answering them" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the alias history" };
        var url = CliCommand.UrlOption();
        var command = new Command("alias", "Point an alias of a model at a version") { name, alias, version, traffic, shadow, reason, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var body = new SetAliasBody(result.GetValue(version), result.GetValue(traffic), result.GetValue(shadow) ? true : null, result.GetValue(reason));
            var change = await host.PutAsync<AliasChange?>($"api/models/{Uri.EscapeDataString(result.GetValue(name)!)}/aliases/{Uri.EscapeDataString(result.GetValue(alias)!)}", body, ct);
            AnsiConsole.WriteLine(change is null ? "Already so: nothing moved." : Describe(change));
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command Promote()
    {
        var name = new Argument<string>("NAME") { Description = "The model whose candidate (canary or shadow) becomes production now" };
        var url = CliCommand.UrlOption();
        var command = new Command("promote", "Make a model's candidate production now") { name, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            AnsiConsole.WriteLine(Describe(await host.PostAsync<AliasChange>($"api/models/{Uri.EscapeDataString(result.GetValue(name)!)}/promote", null, ct)));
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command Rollback()
    {
        var name = new Argument<string>("NAME") { Description = "The model" };
        var to = new Option<int?>("--to") { Description = "The version to go back to (default: the one production named before)" };
        var reason = new Option<string?>("--reason") { Description = "Why, kept in the alias history" };
        var url = CliCommand.UrlOption();
        var command = new Command("rollback", "Move a model's production alias back") { name, to, reason, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var change = await host.PostAsync<AliasChange?>($"api/models/{Uri.EscapeDataString(result.GetValue(name)!)}/rollback", new RollbackBody(result.GetValue(to), result.GetValue(reason)), ct);
            AnsiConsole.WriteLine(change is null ? "Production already names that version: nothing moved." : Describe(change));
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>A model's versions with their test metrics, gate outcome and aliases (details: <c>wf models NAME --version V</c>).</summary>
    public static Table VersionTable(IReadOnlyList<ModelVersion> versions, IReadOnlyList<ModelAlias> aliases)
    {
        var table = new Table().AddColumns("version", "aliases", "created", "data", "test metrics", "gate");
        foreach (var v in versions)
        {
            var metrics = string.Join(", ", v.Metrics.Where(m => m.Value is not null).Take(3).Select(m => $"{m.Key} {m.Value:0.###}"));
            table.AddRow($"v{v.Version}", Markup.Escape(string.Join(", ", aliases.Where(a => a.Version == v.Version).Select(AliasText))), $"{v.CreatedAt:HH:mm:ss}",
                $"{Markup.Escape(v.Lineage.Dataset)} v{v.Lineage.DatasetVersion}", Markup.Escape(metrics),
                Markup.Escape(v.Gate is null ? "" : v.Gate.Passed ? "passed" : v.Gate.Summary));
        }

        return table;
    }

    private static string Aliases(IEnumerable<ModelAlias> aliases) => string.Join(", ", aliases.Select(a => $"{AliasText(a)} → v{a.Version}").DefaultIfEmpty("none"));

    private static string AliasText(ModelAlias alias) =>
        alias.Shadow ? $"{alias.Alias} (shadow)" : alias.Alias == ModelAliases.Candidate ? $"{alias.Alias} ({alias.TrafficPercent}%)" : alias.Alias;

    private static string Describe(AliasChange change) =>
        $"{change.Pipeline} {change.Alias}: {(change.PreviousVersion is { } p ? $"v{p}" : "none")} → {(change.Version is { } v ? $"v{v}" : "removed")} ({change.Reason})";
}
