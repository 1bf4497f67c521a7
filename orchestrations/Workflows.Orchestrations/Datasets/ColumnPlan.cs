using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>What the inspector does with one header column: its role, and its type when declared (null: inferred).</summary>
internal sealed record ColumnPlan(int Index, string Name, ColumnRole Role, ColumnType? DeclaredType);
