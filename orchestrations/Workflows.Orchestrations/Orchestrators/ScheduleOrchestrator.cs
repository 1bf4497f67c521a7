using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Scheduling;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>The input of a pipeline's schedule: which pipeline, on which NCRONTAB expression.</summary>
public sealed record ScheduleInput(string Pipeline, string Cron);

/// <summary>
/// The eternal schedule of one pipeline (instance id <c>schedule-&lt;pipeline&gt;</c>): sleeps on a durable timer until the
/// next occurrence, starts a run for it (once per occurrence, however often the step is retried), and continues as
/// new so its history stays short. A changed or removed schedule replaces or ends the instance on reload.
/// </summary>
public sealed class ScheduleOrchestrator : TaskOrchestrator<ScheduleInput, string>
{
    public static string InstanceId(string pipeline) => $"schedule-{pipeline}";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, ScheduleInput input)
    {
        var next = CronSchedule.Parse(input.Cron).GetNextOccurrence(new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
        if (next is null)
        {
            return $"'{input.Cron}' has no future occurrence";
        }

        context.SetCustomStatus(new { input.Pipeline, input.Cron, next = next.Value });
        await context.CreateTimer(next.Value.UtcDateTime, CancellationToken.None);
        await context.CallActivityAsync<string>(nameof(StartScheduledRunActivity), new ScheduledRunInput(input.Pipeline, next.Value),
            TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2)));
        context.ContinueAsNew(input);
        return "continued";
    }
}
