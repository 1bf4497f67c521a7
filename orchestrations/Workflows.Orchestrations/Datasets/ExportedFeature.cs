using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>One source column's place in X.</summary>
/// <param name="Column">The CSV column.</param>
/// <param name="Type">Its type in the schema.</param>
/// <param name="Encoding">How it is encoded.</param>
/// <param name="Offset">Its first column in X.</param>
/// <param name="Width">How many columns of X it takes (the category count for one-hot, else 1).</param>
/// <param name="Categories">For one-hot and ordinal: the categories in encoding order (sorted, ordinal); else null.</param>
public sealed record ExportedFeature(string Column, ColumnType Type, FeatureEncoding Encoding, int Offset, int Width, IReadOnlyList<string>? Categories);
