using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Evaluation;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Runs;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>
/// One run of a pipeline: resolve dataset → validate → split → train → evaluate → gate → deploy → baseline. Each
/// stage is recorded as it starts and ends, and the custom status names the current one (and what it waits for: an
/// approval, a canary). The evaluated model is registered whatever the gate decides, so a rejected model can still be
/// inspected and compared; a rejection or an aborted canary ends the run normally with production unchanged.
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

        var evaluation = await StageAsync(RunStages.Evaluate, () =>
            context.CallActivityAsync<CandidateEvaluation>(nameof(EvaluateCandidateActivity), new EvaluateCandidateInput(runId, input.Pipeline, export, training.Best), Retry));
        ModelVersionRef model = null!;
        var gate = await StageAsync(RunStages.Gate, async () =>
        {
            // Registered whatever the gate decides, so a rejected model can be inspected and compared too.
            model = await context.CallActivityAsync<ModelVersionRef>(nameof(RegisterModelActivity),
                new RegisterModelInput(runId, input.Pipeline, dataset, export, training.Best, evaluation), Retry);
            var decision = evaluation.Gate;
            if (decision.Passed && evaluation.Deploy.Approval == ApprovalMode.Manual)
            {
                Status(RunStages.Gate, $"waiting for an '{ApprovalEvent.Name}' event on v{model.Version} until {context.CurrentUtcDateTime.Add(evaluation.Deploy.ApprovalTimeout):u}");
                decision = decision.With(ModelGate.Approval(await WaitForAsync<ApprovalEvent>(ApprovalEvent.Name, evaluation.Deploy.ApprovalTimeout), evaluation.Deploy.ApprovalTimeout));
            }

            await context.CallActivityAsync<bool>(nameof(RecordGateActivity), new RecordGateInput(input.Pipeline, model.Version, decision), Retry);
            return decision;
        }, decision => decision.Passed ? null : $"v{model.Version} rejected: {decision.Summary}");
        if (!gate.Passed)
        {
            await SkipAsync(RunStages.Deploy, RunStages.Baseline);
            return Result(ModelOutcome.Rejected, null, null);
        }

        var deployment = await StageAsync(RunStages.Deploy, async () =>
        {
            var guard = evaluation.ProductionMustStay ? new ProductionGuard(evaluation.Production.Version) : null;
            var placed = await context.CallActivityAsync<Deployment>(nameof(DeployModelActivity), new DeployModelInput(runId, input.Pipeline, model.Version, evaluation.Deploy, guard), Retry);
            return placed.Staged ? await FinishStagedAsync(placed) : placed;
        }, placed => placed.AbortedBecause);
        if (deployment.AbortedBecause is not null)
        {
            await SkipAsync(RunStages.Baseline);
            return Result(ModelOutcome.Aborted, null, null);
        }

        await AlertAsync(AlertKinds.Deployed, $"{input.Pipeline} v{model.Version} is production" + (deployment.Production is { } replaced ? $" (was v{replaced})" : ""),
            new { model.Version, deployment.Production, evaluation.Metrics, evaluation.PrimaryMetric });
        var baseline = await StageAsync(RunStages.Baseline, () =>
            context.CallActivityAsync<BaselineRef>(nameof(RecordBaselineActivity), new RecordBaselineInput(runId, input.Pipeline, model.Version, export), Retry));
        return Result(ModelOutcome.Deployed, deployment, baseline);

        PipelineRunResult Result(ModelOutcome outcome, Deployment? live, BaselineRef? recorded) =>
            new(input.Pipeline, dataset, export, training, evaluation, model, gate, outcome, live, recorded);

        // A staged model bakes for the canary duration, unless a person promotes or aborts it first with a Canary event.
        async Task<Deployment> FinishStagedAsync(Deployment staged)
        {
            var until = context.CurrentUtcDateTime.Add(evaluation.Deploy.CanaryDuration);
            Status(RunStages.Deploy,
                $"v{staged.Version} is {(staged.Shadow ? "a shadow" : $"a {staged.TrafficPercent}% canary")} beside production v{staged.Production} until {until:u}; a '{CanaryEvent.Name}' event promotes or aborts it");
            var answer = await WaitForAsync<CanaryEvent>(CanaryEvent.Name, evaluation.Deploy.CanaryDuration);
            var promote = answer?.Promote ?? true;
            var reason = answer is null ? $"canary of {evaluation.Deploy.CanaryDuration} passed" : $"{(promote ? "promoted" : "aborted")} by {answer.By ?? "someone"}{(answer.Comment is { } c ? $": {c}" : "")}";
            return await context.CallActivityAsync<Deployment>(nameof(FinishStagedDeployActivity),
                new FinishStagedDeployInput(runId, input.Pipeline, staged.Version, promote, reason, new ProductionGuard(staged.Production)), Retry);
        }

        // Queues a webhook alert; delivery is the dispatcher's, so this never waits on the receiver.
        Task AlertAsync(string kind, string summary, object details) =>
            context.CallActivityAsync<bool>(nameof(PublishAlertActivity),
                new PublishAlertInput($"{runId}:{kind}", new AlertEvent(kind, input.Pipeline, runId, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), summary, JsonSerializer.SerializeToElement(details, JsonSerializerOptions.Web))), Retry);

        void Status(string stage, string? waiting) =>
            context.SetCustomStatus(new RunCustomStatus(stage, RunStages.Ordinal(stage) + 1, RunStages.All.Count, waiting));

        async Task SkipAsync(params string[] stages)
        {
            foreach (var stage in stages)
            {
                await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Skipped, "the model was not deployed"), Retry);
            }
        }

        // The event, or null when the timeout came first.
        async Task<T?> WaitForAsync<T>(string eventName, TimeSpan timeout) where T : class
        {
            try
            {
                return await context.WaitForExternalEvent<T>(eventName, timeout);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }

        // Runs a stage and records how it ended. A result for which failedBecause gives a reason (a model the gate
        // rejected) fails the stage but not the run: the stage's detail says why and the run goes on to its end.
        async Task<T> StageAsync<T>(string stage, Func<Task<T>> body, Func<T, string?>? failedBecause = null)
        {
            Status(stage, null);
            await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Running, null), Retry);
            try
            {
                var result = await body();
                var failure = failedBecause?.Invoke(result);
                await context.CallActivityAsync<bool>(nameof(RecordStageActivity),
                    new RecordStageInput(runId, stage, failure is null ? StageOutcome.Succeeded : StageOutcome.Failed, failure ?? Describe(result)), Retry);
                return result;
            }
            catch (Exception ex) when (ex is TaskFailedException or PipelineStageException)
            {
                var message = ex is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : ex.Message;
                try
                {
                    await context.CallActivityAsync<bool>(nameof(RecordStageActivity), new RecordStageInput(runId, stage, StageOutcome.Failed, message), Retry);
                    await AlertAsync(AlertKinds.RunFailed, $"run {runId} of {input.Pipeline} failed at {stage}: {message}", new { stage, message });
                }
                catch (TaskFailedException)
                {
                    // The store that failed the stage may fail its record too: the run still fails with the stage's own error.
                }

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
        CandidateEvaluation c => $"{c.PrimaryMetric} {c.Metrics.GetValueOrDefault(c.PrimaryMetric):0.####} on {c.TestRows} test rows"
            + (c.Production.Metrics is { } p ? $"; production v{c.Production.Version} {p.GetValueOrDefault(c.PrimaryMetric):0.####} on the same rows" : ""),
        GateDecision g => g.Summary,
        Deployment d => $"v{d.Version} is production" + (d.Production is { } replaced ? $" (was v{replaced})" : ""),
        BaselineRef b => $"{b.Features} features from {b.Rows} training rows",
        string s => s,
        _ => null,
    };
}

/// <summary>The custom status of a run: the current stage, how far along the run is, and what it waits for, if anything.</summary>
public sealed record RunCustomStatus(string Stage, int Step, int Steps, string? Waiting = null);

/// <summary>A stage failed, which fails the run; the message says which and why.</summary>
public sealed class PipelineStageFailedException(string stage, string message, Exception inner)
    : Exception($"Stage '{stage}' failed: {message}", inner)
{
    public string Stage { get; } = stage;
}

/// <summary>A stage ended the run in a way its message explains (not an activity's failure).</summary>
public abstract class PipelineStageException(string message) : Exception(message);

/// <summary>No training job produced a model: the message has each job's error text.</summary>
public sealed class TrainingFailedException(string message) : PipelineStageException(message);

/// <summary>The run's input cannot work (an unknown dataset version, data that does not fit the pipeline): retrying will not help.</summary>
public sealed class PipelineInputException(string message) : Exception(message);
