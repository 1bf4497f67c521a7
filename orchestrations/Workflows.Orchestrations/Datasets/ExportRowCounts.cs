namespace Workflows.Orchestrations.Datasets;

/// <summary>Rows in each part of a split.</summary>
public sealed record ExportRowCounts(long Train, long Validation, long Test);
