using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;

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

        var training = await StageAsync(RunStages.Train, async () =>
        {
            var plan = await context.CallActivityAsync<TrainingPlan>(nameof(PlanTrainingActivity), new PlanTrainingInput(runId, input.Pipeline, input.Overrides, export), Retry);
            return await TrainAsync(context, runId, plan);
        });

        var notBuilt = $"The model plane is not built yet: nothing can evaluate, gate or deploy the trained model. The run stops here; the best trial's model is at {training.Best.Result!.Artifacts.GetValueOrDefault("model.onnx")}.";
        await StageAsync<string>(RunStages.Evaluate, () => throw new StageNotAvailableException(RunStages.Evaluate, notBuilt));
        return new PipelineRunResult(input.Pipeline, dataset, export, training);

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
            catch (Exception ex) when (ex is TaskFailedException or PipelineStageException)
            {
                var message = ex is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : ex.Message;
                await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Failed, message), Retry);
                throw new PipelineStageFailedException(stage, message, ex);
            }
        }
    }

    /// <summary>
    /// Runs every trial as a TrainingJob sub-orchestration, at most <see cref="TrainingPlan.MaxParallelTrials"/> at once,
    /// and picks the best. Failed trials are kept in the outcome; the stage fails only when none succeeded.
    /// </summary>
    private static async Task<TrainingOutcome> TrainAsync(TaskOrchestrationContext context, string runId, TrainingPlan plan)
    {
        var running = new List<Task<TrainingJobOutcome>>();
        var outcomes = new List<TrainingJobOutcome>();
        foreach (var trial in plan.Trials)
        {
            if (running.Count == plan.MaxParallelTrials)
            {
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                outcomes.Add(await finished);
            }

            running.Add(WatchAsync(trial));
        }

        outcomes.AddRange(await Task.WhenAll(running));

        // A watcher that fails (its checks kept failing) is that trial's failure, not the sweep's: the others go on.
        async Task<TrainingJobOutcome> WatchAsync(TrainingJobRequest trial)
        {
            try
            {
                return await context.CallSubOrchestratorAsync<TrainingJobOutcome>(nameof(TrainingJobOrchestrator), new TrainingJobWatch(trial, Enqueued: false),
                    new SubOrchestrationOptions(TrainingJobOrchestrator.InstanceId(runId, trial.Trial)));
            }
            catch (TaskFailedException failed)
            {
                return new TrainingJobOutcome(trial.JobId, trial.Trial, TrainingJobState.Failed, 0, trial.Spec.Hyperparameters, null,
                    $"Watching the job failed: {failed.FailureDetails.ErrorMessage}");
            }
        }
        outcomes.Sort((a, b) => a.Trial.CompareTo(b.Trial));
        var best = TrialSelection.Best(outcomes, plan.PrimaryMetric, plan.LowerIsBetter);
        if (best is null)
        {
            var errors = outcomes.Select(o => outcomes.Count == 1 ? $"{o.Error ?? o.State.ToString()}" : $"trial {o.Trial}: {o.Error ?? o.State.ToString()}");
            throw new TrainingFailedException(outcomes.Count == 1
                ? $"Training failed: {string.Join("", errors)}"
                : $"No trial of {outcomes.Count} succeeded with a '{plan.PrimaryMetric}' value. {string.Join(" ", errors)}");
        }

        return new TrainingOutcome(outcomes, best, plan.PrimaryMetric);
    }

    private static string? Describe(object? result) => result switch
    {
        TrainingOutcome t => $"{(t.Trials.Count == 1 ? "trained" : $"best of {t.Trials.Count} trials: trial {t.Best.Trial}")}, "
            + $"validation {t.PrimaryMetric} {t.Best.Result!.Metrics[t.PrimaryMetric]:0.####} after {t.Best.Result.EpochsRun} epochs on {t.Best.Result.Device ?? "?"}"
            + (t.Best.Attempts > 1 ? $", {t.Best.Attempts} attempts" : ""),
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

/// <summary>A stage ended the run in a way its message explains (not an activity's failure).</summary>
public abstract class PipelineStageException(string message) : Exception(message);

/// <summary>A stage that later work will build.</summary>
public sealed class StageNotAvailableException(string stage, string message) : PipelineStageException(message)
{
    public string Stage { get; } = stage;
}

/// <summary>No training job produced a model: the message has each job's error text.</summary>
public sealed class TrainingFailedException(string message) : PipelineStageException(message);

/// <summary>The run's input cannot work (an unknown dataset version, data that does not fit the pipeline): retrying will not help.</summary>
public sealed class PipelineInputException(string message) : Exception(message);
