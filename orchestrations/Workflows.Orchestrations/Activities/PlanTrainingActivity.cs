using System.Text.Json;
using Workflows.Durable;
using Workflows.Orchestrations.Datasets;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="PlanTrainingActivity"/>.</summary>
public sealed record PlanTrainingInput(string RunId, string Pipeline, IReadOnlyDictionary<string, JsonElement>? Overrides, ExportRef Export);

/// <summary>
/// Turns a pipeline's training section into the run's jobs: one per point of the sweep grid (or one), each with the
/// export to train on, the seed, the attempts and the timeout. Planned in an activity so the plan is recorded once and
/// replays unchanged even if the definition is edited while the run trains.
/// </summary>
public sealed class PlanTrainingActivity(PipelineDirectory pipelines, TrainingOptions options) : TaskActivity<PlanTrainingInput, TrainingPlan>
{
    public override Task<TrainingPlan> RunAsync(TaskActivityContext context, PlanTrainingInput input)
    {
        var pipeline = pipelines.Find(input.Pipeline) ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer defined.");
        var training = pipeline.Training;
        var points = SweepGrid.Expand(training.Hyperparameters, input.Overrides, training.Sweep);
        string[] dataFiles = [.. ExportFiles.Default.All, ExportManifest.FileName];
        var trials = points.Select((hyperparameters, trial) => new TrainingJobRequest(
            JobId: $"{input.RunId}-t{trial}",
            input.RunId,
            input.Pipeline,
            trial,
            new TrainingJobSpec(training.Trainer, pipeline.Dataset.Task, training.Device, hyperparameters, pipeline.Split.Seed,
                pipeline.Evaluation.PrimaryMetric, options.CheckpointEvery, input.Export.Path, dataFiles),
            training.MaxAttempts,
            training.Timeout,
            options.CheckInterval)).ToList();
        var metric = pipeline.Evaluation.PrimaryMetric;
        return Task.FromResult(new TrainingPlan(trials, Math.Max(1, training.MaxParallelTrials), metric, KnownMetrics.LowerIsBetter(metric)));
    }
}
