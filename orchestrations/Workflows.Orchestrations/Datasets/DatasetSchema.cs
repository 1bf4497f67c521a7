using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>The columns of a dataset version in file order, with their types and roles.</summary>
/// <param name="Columns">Every column of the file, in file order.</param>
/// <param name="Target">The label column.</param>
/// <param name="Task">Classification or regression.</param>
public sealed record DatasetSchema(IReadOnlyList<SchemaColumn> Columns, string Target, ModelTask Task)
{
    /// <summary>The feature columns in file order.</summary>
    public IEnumerable<SchemaColumn> Features => Columns.Where(c => c.Role == ColumnRole.Feature);
}
