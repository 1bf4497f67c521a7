using Workflows.Durable;

namespace Workflows.Functions.Demo;

/// <summary>
/// The shape of an ML pipeline on the durable runtime: ingest, validate, a fan-out of trials with retries, a
/// durable cool-down timer, an approval event with a timeout, deploy. Every step survives a restart of the host.
/// </summary>
public sealed class DemoPipelineOrchestrator : TaskOrchestrator<DemoRequest, DemoOutcome>
{
    public override async Task<DemoOutcome> RunAsync(TaskOrchestrationContext context, DemoRequest input)
    {
        context.SetCustomStatus(new { stage = "ingest" });
        var dataset = await context.CallActivityAsync<DemoDataset>(nameof(DemoIngestActivity), input);

        context.SetCustomStatus(new { stage = "validate" });
        await context.CallActivityAsync(nameof(DemoValidateActivity), dataset);

        context.SetCustomStatus(new { stage = "train", trials = input.Trials });
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(200), backoffCoefficient: 2));
        var trials = await Task.WhenAll(Enumerable.Range(1, input.Trials).Select(n =>
            context.CallActivityAsync<DemoTrial>(nameof(DemoTrainTrialActivity), new DemoTrial(n, 0.001 * n, 0), retry)));
        var best = trials.MaxBy(t => t.Score)!;

        context.SetCustomStatus(new { stage = "cool-down" });
        await context.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);

        context.SetCustomStatus(new { stage = "awaiting approval", best = best.Number });
        DemoApproval approval;
        try
        {
            approval = await context.WaitForExternalEvent<DemoApproval>("Approval", input.ApprovalTimeout);
        }
        catch (TimeoutException)
        {
            approval = new DemoApproval("timeout", false);
        }

        string? version = null;
        if (approval.Approved)
        {
            context.SetCustomStatus(new { stage = "deploy" });
            version = await context.CallActivityAsync<string>(nameof(DemoDeployActivity), best);
        }

        context.SetCustomStatus(new { stage = "done" });
        return new DemoOutcome(dataset, best, approval, version);
    }
}
