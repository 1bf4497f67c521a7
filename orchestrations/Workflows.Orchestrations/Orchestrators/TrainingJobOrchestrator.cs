using Workflows.Durable;
using Workflows.Orchestrations.Activities;
using Workflows.Orchestrations.Training;

namespace Workflows.Orchestrations.Orchestrators;

/// <summary>
/// One training job (instance id <c>&lt;run&gt;:train:&lt;trial&gt;</c>): queues it for the worker pool, then waits for the
/// <c>JobCompleted</c> event while a durable timer wakes it every check interval to look after the job: a lease whose
/// heartbeats stopped goes back to the queue with its checkpoint, a job past its deadline fails. The event only wakes
/// it early; the job's row is the truth, so an event lost with a crashed host costs one check interval, no more.
/// </summary>
public sealed class TrainingJobOrchestrator : TaskOrchestrator<TrainingJobWatch, TrainingJobOutcome>
{
    // Each wait adds a few history events; continuing as new keeps the history of a days-long job short.
    private const int ChecksPerEpisode = 50;

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    public static string InstanceId(string runId, int trial) => $"{runId}:train:{trial}";

    public override async Task<TrainingJobOutcome> RunAsync(TaskOrchestrationContext context, TrainingJobWatch input)
    {
        var request = input.Request;
        if (!input.Enqueued)
        {
            await context.CallActivityAsync<bool>(nameof(EnqueueTrainingJobActivity), request, Retry);
        }

        for (var check = 0; check < ChecksPerEpisode; check++)
        {
            using (var wait = new CancellationTokenSource())
            {
                var completed = context.WaitForExternalEvent<JobCompletedEvent>(JobCompletedEvent.Name, wait.Token);
                var timer = context.CreateTimer(context.CurrentUtcDateTime + request.CheckInterval, wait.Token);
                await Task.WhenAny(completed, timer);
                // Synchronously: CancelAsync would run the callbacks on the thread pool, outside the replay.
                wait.Cancel();
            }

            var outcome = await context.CallActivityAsync<TrainingJobOutcome>(nameof(CheckTrainingJobActivity), request, Retry);
            context.SetCustomStatus(new { outcome.JobId, outcome.State, outcome.Attempts });
            if (outcome.State.IsTerminal())
            {
                return outcome;
            }
        }

        context.ContinueAsNew(input with { Enqueued = true });
        return null!;
    }
}
