using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Runs;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="StartRunsForNewVersionActivity"/>.</summary>
public sealed record StartRunsInput(string IngestionId, string Dataset, int Version);

/// <summary>Starts a run of each pipeline that trains on the dataset and asks to run on new versions; once per ingestion.</summary>
public sealed class StartRunsForNewVersionActivity(PipelineDirectory pipelines, PipelineRunLauncher launcher) : TaskActivity<StartRunsInput, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, StartRunsInput input)
    {
        var started = new List<string>();
        foreach (var pipeline in pipelines.Pipelines.Where(p => p.Dataset.RunOnNewVersion && string.Equals(p.Dataset.Name, input.Dataset, StringComparison.OrdinalIgnoreCase)))
        {
            var (runId, _) = await launcher.StartAsync(new PipelineRunRequest(pipeline.Name, input.Version, null, "ingestion"),
                idempotencyKey: input.IngestionId, context.CancellationToken).ConfigureAwait(false);
            started.Add(runId);
        }

        return started;
    }
}
