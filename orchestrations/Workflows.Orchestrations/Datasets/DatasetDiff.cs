namespace Workflows.Orchestrations.Datasets;

/// <summary>How two versions of a dataset differ: rows, schema, and each shared column's statistics.</summary>
public sealed record DatasetDiff(
    string Dataset,
    int From,
    int To,
    long RowsFrom,
    long RowsTo,
    IReadOnlyList<string> ColumnsAdded,
    IReadOnlyList<string> ColumnsRemoved,
    IReadOnlyList<ColumnTypeChange> TypesChanged,
    IReadOnlyList<ColumnStatisticsDelta> Columns)
{
    /// <summary>Compares two versions' schemas and profiles.</summary>
    public static DatasetDiff Between(string dataset, int from, DatasetSchema fromSchema, DatasetProfile fromProfile, int to, DatasetSchema toSchema, DatasetProfile toProfile)
    {
        var before = fromSchema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var after = toSchema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var statsBefore = fromProfile.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var statsAfter = toProfile.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var shared = after.Keys.Where(before.ContainsKey).ToList();
        return new DatasetDiff(dataset, from, to, fromProfile.RowCount, toProfile.RowCount,
            [.. after.Keys.Where(c => !before.ContainsKey(c))],
            [.. before.Keys.Where(c => !after.ContainsKey(c))],
            [.. shared.Where(c => before[c].Type != after[c].Type).Select(c => new ColumnTypeChange(c, before[c].Type, after[c].Type))],
            [.. shared.Where(c => statsBefore.ContainsKey(c) && statsAfter.ContainsKey(c)).Select(c => ColumnStatisticsDelta.Between(statsBefore[c], statsAfter[c]))]);
    }
}

/// <summary>A column whose type changed between versions.</summary>
public sealed record ColumnTypeChange(string Column, Pipelines.ColumnType From, Pipelines.ColumnType To);

/// <summary>Changes in one column's statistics (to minus from); null where either side has no value.</summary>
public sealed record ColumnStatisticsDelta(string Column, long NullsDelta, double? MeanDelta, double? StdDevDelta, double? MinDelta, double? MaxDelta)
{
    public static ColumnStatisticsDelta Between(ColumnProfile from, ColumnProfile to) =>
        new(to.Name, to.Nulls - from.Nulls, to.Mean - from.Mean, to.StdDev - from.StdDev, to.Min - from.Min, to.Max - from.Max);
}
