using Workflows.Durable;
using Workflows.Orchestrations.Monitoring;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Pipelines;
using Workflows.Orchestrations.Runs;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Starts a retraining run for a drift report, on the latest dataset version, unless the pipeline's cooldown since
/// the last drift-started run has not passed or as many drift-started runs as allowed are still running. The report
/// keeps which run it started, or why none; the report id is the run's idempotency key, so a retry starts one run.
/// </summary>
public sealed class StartRetrainActivity(PipelineDirectory pipelines, DriftReportStore reports, PipelineRunLauncher launcher, DurableTaskClient client)
    : TaskActivity<StartRetrainInput, RetrainDecision>
{
    public override async Task<RetrainDecision> RunAsync(TaskActivityContext context, StartRetrainInput input)
    {
        var cancellationToken = context.CancellationToken;
        var monitoring = pipelines.Find(input.Pipeline)?.Monitoring ?? throw new PipelineInputException($"Pipeline '{input.Pipeline}' is no longer monitored.");
        var report = await reports.GetAsync(input.ReportId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Drift report {input.ReportId} is not stored.");
        if (report.RetrainRunId is not null)
        {
            return new RetrainDecision(report.RetrainRunId, report.RetrainNote ?? "started");
        }

        var decision = await DecideAsync(input, monitoring, cancellationToken).ConfigureAwait(false);
        await reports.RecordRetrainAsync(input.ReportId, decision.RunId, decision.Note, cancellationToken).ConfigureAwait(false);
        return decision;
    }

    private async Task<RetrainDecision> DecideAsync(StartRetrainInput input, MonitoringDefinition monitoring, CancellationToken cancellationToken)
    {
        var earlier = await reports.RetrainsAsync(input.Pipeline, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        if (earlier.Count > 0 && now - earlier[0].StartedAt < monitoring.Cooldown)
        {
            return new RetrainDecision(null, $"cooldown: run {earlier[0].RunId} was started by drift at {earlier[0].StartedAt:u}, less than {monitoring.Cooldown} ago");
        }

        var running = 0;
        foreach (var (runId, _) in earlier)
        {
            if ((await client.GetInstanceAsync(runId, cancellationToken: cancellationToken).ConfigureAwait(false))?.IsRunning == true)
            {
                running++;
            }
        }

        if (running >= monitoring.MaxConcurrentRetrains)
        {
            return new RetrainDecision(null, $"{running} drift-started run(s) still running, the most allowed ({monitoring.MaxConcurrentRetrains})");
        }

        var (started, _) = await launcher.StartAsync(new PipelineRunRequest(input.Pipeline, null, null, "drift"), $"drift:{input.ReportId}", cancellationToken).ConfigureAwait(false);
        return new RetrainDecision(started, $"started run {started} on the latest dataset version");
    }
}
