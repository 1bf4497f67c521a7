using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>The schema and the profile, from what the scan and the profiling gathered.</summary>
internal static class ProfileBuilder
{
    public static DatasetSchema Schema(DatasetScan scan, DatasetDefinition dataset) =>
        new(scan.Columns!.Select(c => new SchemaColumn(c.Plan.Name, c.Type, c.Plan.Role)).ToArray(), dataset.Target, dataset.Task);

    public static DatasetProfile Profile(DatasetScan scan, DatasetProfiling profiling, DatasetDefinition dataset)
    {
        // Categories are sorted for their most frequent values: columns are summarised on every core.
        var columns = profiling.Columns.AsParallel().AsOrdered().Select(Column).ToArray();
        var target = profiling.Columns.FirstOrDefault(c => c.Scan.Plan.Role == ColumnRole.Target);
        var classCounts = dataset.Task == ModelTask.Classification ? target?.Categories?.MostFrequent(CategoryCounter.MaxTracked) : null;
        return new DatasetProfile(scan.Rows, columns, profiling.Duplicates.Count, classCounts);
    }

    private static ColumnProfile Column(ColumnProfiler column)
    {
        var scan = column.Scan;
        var moments = scan.Moments;
        var numeric = scan.IsNumeric && moments.Count > 0;
        var categories = column.Categories;
        var listed = categories?.MostFrequent(CategoryCounter.MaxReported);
        return new ColumnProfile(
            scan.Plan.Name,
            column.Type,
            scan.Values,
            scan.Nulls.Count,
            numeric ? moments.Min : null,
            numeric ? moments.Max : null,
            numeric ? moments.Mean : null,
            numeric ? moments.StdDev : null,
            numeric ? column.Quantiles : null,
            column.Histogram?.ToHistogram(),
            listed,
            categories is null ? 0 : scan.Values - listed!.Sum(c => c.Count),
            categories is null || categories.Overflow > 0 ? null : categories.Tracked);
    }
}
