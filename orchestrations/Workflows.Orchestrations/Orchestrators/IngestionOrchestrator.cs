using Workflows.Durable;
using Workflows.Orchestrations.Activities;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>
/// Ingests one file: inspect (parse, schema, statistics, rules), then either register an immutable, content-addressed
/// dataset version or quarantine the file with its report, then start the runs of pipelines that train on new data.
/// Each step is an activity whose effects are idempotent, so a step retried after a crash neither loses the file nor
/// registers it twice.
/// </summary>
public sealed class IngestionOrchestrator : TaskOrchestrator<IngestionRequest, IngestionResult>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    public override async Task<IngestionResult> RunAsync(TaskOrchestrationContext context, IngestionRequest input)
    {
        try
        {
            return await IngestAsync(context, input);
        }
        catch (TaskFailedException ex)
        {
            // Not the data's fault (storage, database): the file is kept, and the record says why.
            await context.CallActivityAsync<bool>(nameof(RecordIngestionFailureActivity), new IngestionFailure(input.IngestionId, ex.FailureDetails.ErrorMessage), Retry);
            throw;
        }
    }

    private static async Task<IngestionResult> IngestAsync(TaskOrchestrationContext context, IngestionRequest input)
    {
        context.SetCustomStatus(new { stage = "inspect", source = input.Location });
        var inspection = await context.CallActivityAsync<InspectionOutcome>(nameof(InspectSourceActivity), input, Retry);
        if (!inspection.Passed)
        {
            context.SetCustomStatus(new { stage = "quarantine", inspection.Summary });
            return await context.CallActivityAsync<IngestionResult>(nameof(QuarantineSourceActivity), new QuarantineInput(input, inspection), Retry);
        }

        context.SetCustomStatus(new { stage = "register", inspection.Summary });
        var registered = await context.CallActivityAsync<IngestionResult>(nameof(RegisterVersionActivity), new RegisterInput(input, inspection), Retry);
        if (!registered.NewVersion)
        {
            return registered;
        }

        context.SetCustomStatus(new { stage = "start runs", registered.Version });
        var runs = await context.CallActivityAsync<IReadOnlyList<string>>(nameof(StartRunsForNewVersionActivity), new StartRunsInput(input.IngestionId, input.Dataset, registered.Version!.Value), Retry);
        return registered with { RunsStarted = runs };
    }
}
