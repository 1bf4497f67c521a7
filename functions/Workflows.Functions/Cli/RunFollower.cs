using Spectre.Console;
using Workflows.Orchestrations.Training;
using Workflows.Functions.Api;

namespace Workflows.Functions.Cli;

/// <summary>Follows a run live: prints each stage as it starts and ends, then the run's outcome.</summary>
public static class RunFollower
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(300);

    /// <summary>Polls the run until it ends; returns its last view.</summary>
    public static async Task<RunView> FollowAsync(HostClient host, string runId, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var run = await host.GetRunAsync(runId, cancellationToken);
            foreach (var stage in run.Stages)
            {
                var state = stage.Outcome + stage.EndedAt;
                if (printed.TryGetValue(stage.Stage, out var seen) && seen == state)
                {
                    continue;
                }

                printed[stage.Stage] = state;
                console.MarkupLine(stage.Outcome == "Running"
                    ? $"  [grey]{stage.StartedAt:HH:mm:ss}[/] {Markup.Escape(stage.Stage),-16} [blue]started[/]"
                    : $"  [grey]{stage.EndedAt:HH:mm:ss}[/] {Markup.Escape(stage.Stage),-16} {Colour(stage.Outcome)} {stage.DurationSeconds,6:F2} s  {Markup.Escape(stage.Detail ?? "")}");
            }

            if (run.Status is "Completed" or "Failed" or "Terminated")
            {
                return run;
            }

            await Task.Delay(Poll, cancellationToken);
        }
    }

    /// <summary>The run's stages as a table.</summary>
    public static Table StageTable(RunView run)
    {
        var table = new Table().AddColumns("stage", "outcome", "started", "duration", "detail");
        foreach (var stage in run.Stages)
        {
            table.AddRow(Markup.Escape(stage.Stage), Colour(stage.Outcome), $"{stage.StartedAt:HH:mm:ss.fff}",
                stage.DurationSeconds is { } seconds ? $"{seconds:F2} s" : "", Markup.Escape(stage.Detail ?? ""));
        }

        return table;
    }

    /// <summary>
    /// A run's training jobs: each trial's swept parameters (those that differ between trials), where it trained, and
    /// its validation metrics.
    /// </summary>
    public static Table TrialTable(IReadOnlyList<TrainingJob> jobs)
    {
        var swept = jobs.SelectMany(j => j.Spec.Hyperparameters.Keys).Distinct()
            .Where(key => jobs.Select(j => j.Spec.Hyperparameters.TryGetValue(key, out var v) ? v.GetRawText() : "").Distinct().Count() > 1).ToList();
        var table = new Table().AddColumns("trial", "state", "swept", "attempts", "worker", "epochs", "validation");
        foreach (var job in jobs)
        {
            var result = job.Result;
            table.AddRow($"{job.Trial}", Colour(job.State.ToString()),
                Markup.Escape(string.Join(" ", swept.Select(key => $"{key}={(job.Spec.Hyperparameters.TryGetValue(key, out var v) ? v.GetRawText() : "-")}"))),
                $"{job.Attempt}/{job.MaxAttempts}", Markup.Escape(job.WorkerId ?? ""),
                result is null ? "" : $"{result.EpochsRun} (best {result.BestEpoch})",
                Markup.Escape(result is null ? job.Error ?? "" : string.Join(" ", result.Metrics.Where(m => m.Key is "accuracy" or "f1_macro" or "roc_auc" or "rmse" or "r2").Select(m => $"{m.Key} {m.Value:0.###}"))));
        }

        return table;
    }

    public static string Colour(string outcome) => outcome switch
    {
        "Succeeded" or "Completed" or "Registered" => $"[green]{outcome}[/]",
        "Failed" or "Terminated" or "Quarantined" => $"[red]{outcome}[/]",
        _ => $"[yellow]{Markup.Escape(outcome)}[/]",
    };
}
