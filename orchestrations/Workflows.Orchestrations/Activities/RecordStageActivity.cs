using Workflows.Durable;
using Workflows.Orchestrations.Runs;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="RecordStageActivity"/>.</summary>
public sealed record RecordStageInput(string RunId, string Stage, StageOutcome Outcome, string? Detail);

/// <summary>Records a stage's start or end, at the time the activity runs; recording twice is harmless.</summary>
public sealed class RecordStageActivity(RunStore runs) : TaskActivity<RecordStageInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordStageInput input)
    {
        if (input.Outcome == StageOutcome.Running)
        {
            await runs.StageStartedAsync(input.RunId, input.Stage, DateTimeOffset.UtcNow, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            await runs.StageEndedAsync(input.RunId, input.Stage, input.Outcome, input.Detail, DateTimeOffset.UtcNow, context.CancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
