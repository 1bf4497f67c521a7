using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Puts a model that passed the gate live. With nothing in production, or when the definition deploys all at once,
/// it becomes production; otherwise it becomes the candidate, as a canary answering its share of requests or as a
/// shadow scoring copies of them, while production answers the rest. When the gate judged the model against the
/// production of that moment, and production has moved since, nothing is deployed.
/// </summary>
public sealed class DeployModelActivity(ModelRegistry registry) : TaskActivity<DeployModelInput, Deployment>
{
    public override async Task<Deployment> RunAsync(TaskActivityContext context, DeployModelInput input)
    {
        var cancellationToken = context.CancellationToken;
        var production = (await registry.FindAsync(input.Pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false))?.Version;
        if (production != input.Version && input.Guard?.Moved(production, input.Version) is { } moved)
        {
            return Deployment.Aborted(input.Version, production, moved);
        }

        if (production is null || production == input.Version || !input.Deploy.Staged)
        {
            var change = await registry.SetAliasAsync(input.Pipeline, ModelAliases.Production, input.Version, $"deployed by run {input.RunId}", input.RunId, cancellationToken).ConfigureAwait(false);
            // On a retry the alias already names this version: what it replaced is in the first attempt's history row.
            var replaced = change?.PreviousVersion ?? await registry.ReplacedByRunAsync(input.Pipeline, input.RunId, input.Version, cancellationToken).ConfigureAwait(false);
            return new Deployment(ModelAliases.Production, input.Version, replaced, 100, false);
        }

        var traffic = input.Deploy.Shadow ? 0 : input.Deploy.CanaryPercent;
        await registry.SetAliasAsync(input.Pipeline, ModelAliases.Candidate, input.Version,
            input.Deploy.Shadow ? $"shadow of production v{production} by run {input.RunId}" : $"{traffic}% canary beside production v{production} by run {input.RunId}",
            input.RunId, cancellationToken, traffic, input.Deploy.Shadow).ConfigureAwait(false);
        return new Deployment(ModelAliases.Candidate, input.Version, production, traffic, input.Deploy.Shadow);
    }
}
