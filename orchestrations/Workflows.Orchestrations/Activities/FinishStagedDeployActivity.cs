using Workflows.Durable;
using Workflows.Orchestrations.Orchestrators;
using Workflows.Orchestrations.Registry;

namespace Workflows.Orchestrations.Activities;

/// <summary>
/// Ends a canary or shadow: promotes the candidate to production, or removes it. When someone moved the candidate
/// alias meanwhile (a rollback, another deploy), nothing is promoted and the result says why.
/// </summary>
public sealed class FinishStagedDeployActivity(ModelRegistry registry) : TaskActivity<FinishStagedDeployInput, Deployment>
{
    public override async Task<Deployment> RunAsync(TaskActivityContext context, FinishStagedDeployInput input)
    {
        var cancellationToken = context.CancellationToken;
        var production = (await registry.FindAsync(input.Pipeline, ModelAliases.Production, cancellationToken).ConfigureAwait(false))?.Version;
        if (input.Promote)
        {
            var promoted = await registry.PromoteCandidateAsync(input.Pipeline, input.Version, input.Reason, input.RunId, cancellationToken).ConfigureAwait(false);
            if (promoted is not null || production == input.Version)
            {
                return new Deployment(ModelAliases.Production, input.Version, promoted?.PreviousVersion ?? production, 100, false);
            }

            return Aborted($"v{input.Version} was no longer the candidate when its canary ended (moved or rolled back by hand); production stays v{production}");
        }

        var candidate = (await registry.FindAsync(input.Pipeline, ModelAliases.Candidate, cancellationToken).ConfigureAwait(false))?.Version;
        if (candidate == input.Version)
        {
            await registry.RemoveAliasAsync(input.Pipeline, ModelAliases.Candidate, input.Reason, input.RunId, cancellationToken).ConfigureAwait(false);
        }

        return Aborted($"{input.Reason}; production stays v{production}");

        Deployment Aborted(string why) => new(ModelAliases.Candidate, input.Version, production, 0, false, why);
    }
}
