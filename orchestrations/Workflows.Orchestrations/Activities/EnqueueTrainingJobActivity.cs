using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Activities;

/// <summary>Queues a training job; its deadline counts from now. Queuing it again (a retry) changes nothing.</summary>
public sealed class EnqueueTrainingJobActivity(TrainingJobStore jobs) : TaskActivity<TrainingJobRequest, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, TrainingJobRequest input)
    {
        await jobs.EnqueueAsync(input.JobId, input.RunId, input.Pipeline, input.Trial, context.InstanceId, input.Spec, input.MaxAttempts,
            DateTimeOffset.UtcNow + input.Timeout, context.CancellationToken).ConfigureAwait(false);
        return true;
    }
}
