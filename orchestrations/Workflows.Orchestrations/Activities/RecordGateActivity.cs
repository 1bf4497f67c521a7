using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>Keeps the gate's decision with the model version, so the registry shows why a model passed or failed.</summary>
public sealed class RecordGateActivity(ModelRegistry registry) : TaskActivity<RecordGateInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, RecordGateInput input)
    {
        await registry.RecordGateAsync(input.Pipeline, input.Version, input.Decision, context.CancellationToken).ConfigureAwait(false);
        return true;
    }
}
