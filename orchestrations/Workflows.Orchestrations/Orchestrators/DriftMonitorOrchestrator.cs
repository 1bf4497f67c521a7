using System.Text.Json;
using Microsoft.Extensions.Logging;
using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Scheduling;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>
/// The eternal drift monitor of one pipeline (instance id <c>drift-&lt;pipeline&gt;</c>): at each occurrence of its
/// monitoring schedule it checks the production model's logged traffic against its training baseline; on drift it
/// alerts and, when the pipeline retrains on drift, starts a retraining run (subject to the cooldown and the limit of
/// concurrent retrains). The retrained model goes through the same gate, so production changes only if it is better.
/// Continues as new after every check so its history stays short.
/// </summary>
public sealed partial class DriftMonitorOrchestrator : TaskOrchestrator<DriftMonitorInput, string>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2)
    {
        Handle = failure => !failure.FailureDetails.IsCausedBy<PipelineInputException>(),
    });

    public static string InstanceId(string pipeline) => $"drift-{pipeline}";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, DriftMonitorInput input)
    {
        var next = CronSchedule.Parse(input.Schedule).GetNextOccurrence(new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero));
        if (next is null)
        {
            return $"'{input.Schedule}' has no future occurrence";
        }

        context.SetCustomStatus(new { input.Pipeline, input.Schedule, next = next.Value });
        await context.CreateTimer(next.Value.UtcDateTime, CancellationToken.None);
        try
        {
            var check = await context.CallActivityAsync<DriftCheckOutcome>(nameof(CheckDriftActivity), new CheckDriftInput(input.Pipeline, next.Value), Retry);
            if (check is { Verdict: DriftVerdict.Drifted, ReportId: { } reportId })
            {
                RetrainDecision retrain;
                try
                {
                    retrain = check.RetrainOnDrift
                        ? await context.CallActivityAsync<RetrainDecision>(nameof(StartRetrainActivity), new StartRetrainInput(input.Pipeline, reportId), Retry)
                        : new RetrainDecision(null, "retrainOnDrift is off");
                }
                catch (TaskFailedException failed)
                {
                    // The drift is still news: alert it with why no retraining started.
                    retrain = new RetrainDecision(null, $"starting a retraining run failed: {failed.FailureDetails.ErrorMessage}");
                }

                await context.CallActivityAsync<bool>(nameof(PublishAlertActivity), new PublishAlertInput($"drift:{reportId}",
                    new AlertEvent(AlertKinds.Drift, input.Pipeline, retrain.RunId, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero),
                        $"{input.Pipeline} {check.Summary}; {retrain.Note}", JsonSerializer.SerializeToElement(new { reportId, check.Version, retrain.RunId, retrain.Note }, JsonSerializerOptions.Web))), Retry);
            }
        }
        catch (TaskFailedException failed)
        {
            // One failed check (the definition removed meanwhile, a store down for longer than the retries) must not
            // end the monitor: the next occurrence tries again.
            LogCheckFailed(context.CreateReplaySafeLogger<DriftMonitorOrchestrator>(), input.Pipeline, failed.FailureDetails.ErrorMessage);
        }

        context.ContinueAsNew(input);
        return "continued";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift check of pipeline {Pipeline} failed; the next occurrence tries again: {Error}")]
    private static partial void LogCheckFailed(ILogger logger, string pipeline, string error);
}
