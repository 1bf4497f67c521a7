using Workflows.Durable;
using Workflows.Orchestrations.Alerts;
using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Activities;

/// <summary>The input of <see cref="PublishAlertActivity"/>; <paramref name="DedupeKey"/> makes a retried publish count once.</summary>
public sealed record PublishAlertInput(string DedupeKey, AlertEvent Alert);

/// <summary>
/// Queues an alert for the pipeline's webhook (<c>monitoring.webhookUrl</c>); does nothing when it has none. Only an
/// insert: delivery, with its retries, is the dispatcher's, so a slow or dead receiver never holds up a run.
/// </summary>
public sealed class PublishAlertActivity(PipelineDirectory pipelines, AlertOutbox outbox) : TaskActivity<PublishAlertInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, PublishAlertInput input)
    {
        if (pipelines.Find(input.Alert.Pipeline)?.Monitoring?.WebhookUrl is not { } url)
        {
            return false;
        }

        await outbox.PublishAsync(url, input.DedupeKey, input.Alert, context.CancellationToken).ConfigureAwait(false);
        return true;
    }
}
