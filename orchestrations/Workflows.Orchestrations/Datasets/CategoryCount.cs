namespace Workflows.Orchestrations.Datasets;

/// <summary>How often one value occurs.</summary>
public sealed record CategoryCount(string Value, long Count);
