using System.CommandLine;
using Spectre.Console;
using Workflows.Functions.Api;

namespace Workflows.Functions.Cli;

/// <summary><c>wf run PIPELINE</c> starts a run and follows it; <c>wf runs</c> lists runs.</summary>
public static class RunCommands
{
    public static Command Run()
    {
        var pipeline = new Argument<string>("PIPELINE") { Description = "The pipeline to run" };
        var version = new Option<int?>("--dataset-version") { Description = "The dataset version (default: the latest)" };
        var key = new Option<string?>("--idempotency-key") { Description = "Asking again with the same key returns the same run" };
        var detach = new Option<bool>("--no-follow") { Description = "Start the run and return" };
        var url = CliCommand.UrlOption();
        var command = new Command("run", "Start a run of a pipeline and follow it stage by stage") { pipeline, version, key, detach, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var path = $"api/pipelines/{Uri.EscapeDataString(result.GetValue(pipeline)!)}/runs";
            var links = await host.PostAsync<ManagementLinks>(path, new StartRunBody(result.GetValue(version), null), ct, result.GetValue(key));
            AnsiConsole.MarkupLine($"Run [bold]{Markup.Escape(links.Id)}[/]  {Markup.Escape(links.StatusQueryGetUri)}");
            if (result.GetValue(detach))
            {
                return 0;
            }

            var run = await RunFollower.FollowAsync(host, links.Id, AnsiConsole.Console, ct);
            AnsiConsole.MarkupLine($"Run {Markup.Escape(run.Id)}: {RunFollower.Colour(run.Status)}{(run.Failure is { } f ? " — " + Markup.Escape(f.ErrorMessage) : "")}");
            return run.Status == "Completed" ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    public static Command List()
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Only runs of this pipeline" };
        var status = new Option<string?>("--status") { Description = "Only runs in these statuses (comma-separated: Running, Completed, Failed, ...)" };
        var top = new Option<int>("--top") { Description = "How many", DefaultValueFactory = _ => 20 };
        var url = CliCommand.UrlOption();
        var command = new Command("runs", "List runs, newest first") { pipeline, status, top, url };
        command.SetAction((result, cancellationToken) => CliCommand.WithHostAsync(result.GetValue(url), async (host, ct) =>
        {
            var query = $"api/runs?pageSize={result.GetValue(top)}"
                + (result.GetValue(pipeline) is { } p ? $"&pipeline={Uri.EscapeDataString(p)}" : "")
                + (result.GetValue(status) is { } s ? $"&status={Uri.EscapeDataString(s)}" : "");
            var page = await host.GetAsync<RunPage>(query, ct);
            var table = new Table().AddColumns("run", "pipeline", "status", "stage (current or last)", "trigger", "created");
            foreach (var run in page.Items)
            {
                table.AddRow(Markup.Escape(run.Id), Markup.Escape(run.Pipeline), RunFollower.Colour(run.Status), Markup.Escape(run.CurrentStage ?? run.Stages.LastOrDefault()?.Stage ?? ""),
                    Markup.Escape(run.Trigger), $"{run.CreatedAt:yyyy-MM-dd HH:mm:ss}");
            }

            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }
}
