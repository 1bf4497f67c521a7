using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Runs;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>
/// One run of a pipeline: resolve dataset → validate → split → train → evaluate → gate → deploy → baseline. Each
/// stage is recorded as it starts and ends, and the custom status names the current one. A stage that is not built
/// yet fails the run with a message saying so: a run never reports success it did not earn.
/// </summary>
public sealed class PipelineRunOrchestrator : TaskOrchestrator<PipelineRunRequest, PipelineRunResult>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 2)
    {
        // Bad input fails the same way every time.
        Handle = failure => !failure.FailureDetails.IsCausedBy<PipelineInputException>(),
    });

    public override async Task<PipelineRunResult> RunAsync(TaskOrchestrationContext context, PipelineRunRequest input)
    {
        var runId = context.InstanceId;
        var dataset = await StageAsync(RunStages.ResolveDataset, () =>
            context.CallActivityAsync<DatasetRef>(nameof(ResolveDatasetActivity), new ResolveDatasetInput(input.Pipeline, input.DatasetVersion), Retry));
        await StageAsync(RunStages.Validate, () =>
            context.CallActivityAsync<string>(nameof(ValidateForPipelineActivity), new PipelineDatasetInput(input.Pipeline, dataset), Retry));
        var export = await StageAsync(RunStages.Split, () =>
            context.CallActivityAsync<ExportRef>(nameof(ExportDatasetActivity), new PipelineDatasetInput(input.Pipeline, dataset), Retry));

        const string notBuilt = "The training plane is not built yet: no worker pool or trainer can run this stage. The run stops here, after the dataset was resolved, validated and split.";
        await StageAsync<string>(RunStages.Train, () => throw new StageNotAvailableException(RunStages.Train, notBuilt));
        return new PipelineRunResult(input.Pipeline, dataset, export);

        async Task<T> StageAsync<T>(string stage, Func<Task<T>> body)
        {
            context.SetCustomStatus(new RunCustomStatus(stage, RunStages.Ordinal(stage) + 1, RunStages.All.Count));
            await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Running, null), Retry);
            try
            {
                var result = await body();
                await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Succeeded, Describe(result)), Retry);
                return result;
            }
            catch (Exception ex) when (ex is TaskFailedException or StageNotAvailableException)
            {
                var message = ex is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : ex.Message;
                await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Failed, message), Retry);
                throw new PipelineStageFailedException(stage, message, ex);
            }
        }
    }

    private static string? Describe(object? result) => result switch
    {
        DatasetRef d => $"{d.Dataset} v{d.Version} ({d.RowCount} rows)",
        ExportRef e => $"{e.TrainRows}/{e.ValidationRows}/{e.TestRows} rows, {e.Features} features",
        string s => s,
        _ => null,
    };
}

/// <summary>The custom status of a run: the current stage and how far along the run is.</summary>
public sealed record RunCustomStatus(string Stage, int Step, int Steps);

/// <summary>A stage failed, which fails the run; the message says which and why.</summary>
public sealed class PipelineStageFailedException(string stage, string message, Exception inner)
    : Exception($"Stage '{stage}' failed: {message}", inner)
{
    public string Stage { get; } = stage;
}

/// <summary>A stage that later work will build.</summary>
public sealed class StageNotAvailableException(string stage, string message) : Exception(message)
{
    public string Stage { get; } = stage;
}

/// <summary>The run's input cannot work (an unknown dataset version, data that does not fit the pipeline): retrying will not help.</summary>
public sealed class PipelineInputException(string message) : Exception(message);
