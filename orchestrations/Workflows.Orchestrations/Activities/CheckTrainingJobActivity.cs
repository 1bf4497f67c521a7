using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Activities;

/// <summary>Looks after a waiting job (expired lease, deadline) and reports where it stands.</summary>
public sealed class CheckTrainingJobActivity(TrainingJobStore jobs) : TaskActivity<TrainingJobRequest, TrainingJobOutcome>
{
    public override async Task<TrainingJobOutcome> RunAsync(TaskActivityContext context, TrainingJobRequest input)
    {
        var job = await jobs.CheckAsync(input.JobId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Training job '{input.JobId}' is not in the queue.");
        return new TrainingJobOutcome(job.JobId, job.Trial, job.State, job.Attempt, job.Spec.Hyperparameters, job.Result, job.Error);
    }
}
