using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Runs;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="StartScheduledRunActivity"/>.</summary>
public sealed record ScheduledRunInput(string Pipeline, DateTimeOffset Occurrence);

/// <summary>Starts the run of one schedule occurrence; the occurrence is the idempotency key, so it starts one run only.</summary>
public sealed class StartScheduledRunActivity(PipelineRunLauncher launcher) : TaskActivity<ScheduledRunInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, ScheduledRunInput input)
    {
        var (runId, _) = await launcher.StartAsync(new PipelineRunRequest(input.Pipeline, null, null, "schedule"),
            $"schedule:{input.Occurrence.UtcDateTime:O}", context.CancellationToken).ConfigureAwait(false);
        return runId;
    }
}
