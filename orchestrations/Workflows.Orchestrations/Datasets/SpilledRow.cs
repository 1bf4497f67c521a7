namespace Workflows.Orchestrations.Datasets;

/// <summary>One row as spilled for duplicate detection: its 64-bit canonical hash, data row number and physical line.</summary>
internal readonly record struct SpilledRow(ulong Hash, long Row, long Line);
