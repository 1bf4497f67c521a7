using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>One column of a dataset: its header name, value type and what training does with it.</summary>
public sealed record SchemaColumn(string Name, ColumnType Type, ColumnRole Role);
