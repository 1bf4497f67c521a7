namespace Workflows.Orchestrations.Registry;

/// <summary>Where an alias points now.</summary>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Alias">The alias (<c>production</c>, <c>candidate</c> or a user's).</param>
/// <param name="Version">The model version it names.</param>
/// <param name="TrafficPercent">For a canary candidate, the share of requests it answers; 100 otherwise.</param>
/// <param name="Shadow">Whether it scores copies of production's requests and answers none.</param>
/// <param name="UpdatedAt">When it last moved.</param>
public sealed record ModelAlias(string Pipeline, string Alias, int Version, int TrafficPercent, bool Shadow, DateTimeOffset UpdatedAt);

/// <summary>One move of an alias, kept for history and rollback.</summary>
/// <param name="Id">Order of the moves.</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Alias">The alias that moved.</param>
/// <param name="Version">The version it points to after the move; null when it was removed.</param>
/// <param name="PreviousVersion">The version it pointed to before; null when it was new.</param>
/// <param name="Reason">Why, in words (a deploy, a promotion, a rollback, a person's command).</param>
/// <param name="Rollback">Whether it was a rollback (the next rollback looks past it).</param>
/// <param name="RunId">The run that moved it, if a run did.</param>
/// <param name="ChangedAt">When.</param>
public sealed record AliasChange(long Id, string Pipeline, string Alias, int? Version, int? PreviousVersion, string Reason, bool Rollback, string? RunId, DateTimeOffset ChangedAt);
