using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Ends a canary or shadow: promotes the candidate to production, or removes it. When someone moved the candidate
/// alias meanwhile (a rollback, another deploy), or production is no longer the model it was staged beside,
/// nothing is promoted and the result says why.
/// </summary>
public sealed class FinishStagedDeployActivity(ModelRegistry registry) : TaskActivity<FinishStagedDeployInput, Deployment>
{
    public override async Task<Deployment> RunAsync(TaskActivityContext context, FinishStagedDeployInput input)
    {
        var cancellationToken = context.CancellationToken;
        var production = (await registry.FindAsync(input.Pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false))?.Version;
        if (production == input.Version)
        {
            // A retry after the promotion: what it replaced is in the history row this run wrote.
            var replaced = await registry.ReplacedByRunAsync(input.Pipeline, input.RunId, input.Version, cancellationToken).ConfigureAwait(false);
            return new Deployment(ModelAliases.Production, input.Version, replaced, 100, false);
        }

        var moved = input.Guard.Moved(production, input.Version);
        if (input.Promote && moved is null)
        {
            var promoted = await registry.PromoteCandidateAsync(input.Pipeline, input.Version, input.Reason, input.RunId, cancellationToken).ConfigureAwait(false);
            if (promoted is not null)
            {
                return new Deployment(ModelAliases.Production, input.Version, promoted.PreviousVersion, 100, false);
            }

            return Deployment.Aborted(input.Version, production,
                $"v{input.Version} was no longer the candidate when its canary ended (moved or rolled back by hand); production stays {ProductionGuard.Name(production)}");
        }

        var why = moved ?? input.Reason;
        var candidate = (await registry.FindAsync(input.Pipeline, ModelAliases.Candidate, cancellationToken).ConfigureAwait(false))?.Version;
        if (candidate == input.Version)
        {
            await registry.RemoveAliasAsync(input.Pipeline, ModelAliases.Candidate, why, input.RunId, cancellationToken).ConfigureAwait(false);
        }

        return Deployment.Aborted(input.Version, production, $"{why}; production stays {ProductionGuard.Name(production)}");
    }
}
