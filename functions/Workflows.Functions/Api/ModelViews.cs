using Workflows.Orchestrations.Registry;

namespace Workflows.Functions.Api;

/// <summary>A pipeline's models at a glance.</summary>
public sealed record ModelSummary(string Name, int Versions, int LatestVersion, IReadOnlyList<ModelAlias> Aliases);

/// <summary>A pipeline's models: where its aliases point and every version, newest first.</summary>
public sealed record ModelDetail(string Name, IReadOnlyList<ModelAlias> Aliases, IReadOnlyList<ModelVersion> Versions);

/// <summary>Two versions side by side: each metric's values and which is better, and what differs in their lineage.</summary>
public sealed record ModelComparison(string Name, int A, int B, IReadOnlyList<MetricComparison> Metrics, IReadOnlyList<LineageDifference> Lineage);

/// <summary>One metric of two versions. <paramref name="Better"/> is <c>a</c>, <c>b</c>, <c>same</c>, or null when either is undefined.</summary>
public sealed record MetricComparison(string Metric, double? A, double? B, double? Delta, string? Better);

/// <summary>A lineage field whose values differ between two versions.</summary>
public sealed record LineageDifference(string Field, string? A, string? B);

/// <summary>Body of <c>PUT /api/models/{name}/aliases/{alias}</c>.</summary>
/// <param name="Version">The version the alias should name.</param>
/// <param name="TrafficPercent">For the candidate alias: the share of requests it answers as a canary (default 100 for other aliases, 0 for the candidate).</param>
/// <param name="Shadow">For the candidate alias: score copies of requests without answering them.</param>
/// <param name="Reason">Why, kept in the alias history.</param>
public sealed record SetAliasBody(int Version, int? TrafficPercent, bool? Shadow, string? Reason);

/// <summary>Body of <c>POST /api/models/{name}/rollback</c>: the version to go back to (default: the one production named before) and why.</summary>
public sealed record RollbackBody(int? Version, string? Reason);
