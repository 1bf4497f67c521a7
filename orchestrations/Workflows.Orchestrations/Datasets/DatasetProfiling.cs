using Workflows.Orchestrations.Pipelines;

namespace Workflows.Orchestrations.Datasets;

/// <summary>
/// The second pass, with every column's type known: canonical rows (written to the sink when there is one), duplicate
/// rows, histograms, categories, ranges and labels.
/// </summary>
internal sealed class DatasetProfiling
{
    private readonly ColumnProfiler[] _profilers;
    private readonly DuplicateRows _duplicates;
    private readonly CanonicalRowBuilder _row = new();
    private readonly CanonicalSink? _sink;

    private DatasetProfiling(ColumnProfiler[] profilers, DuplicateRows duplicates, CanonicalSink? sink)
    {
        _profilers = profilers;
        _duplicates = duplicates;
        _sink = sink;
    }

    public IReadOnlyList<ColumnProfiler> Columns => _profilers;

    public RowFinding Duplicates { get; private set; } = new();

    public static async Task<DatasetProfiling> RunAsync(
        string path, DatasetScan scan, DatasetDefinition dataset, ValidationRules rules, DatasetProfile? previous, DuplicateRows duplicates, CanonicalSink? sink,
        CancellationToken cancellationToken)
    {
        var classification = dataset.Task == ModelTask.Classification;
        var profilers = scan.Columns!.Select(column =>
        {
            var isTarget = column.Plan.Role == ColumnRole.Target;
            return new ColumnProfiler(
                column,
                rules.Ranges.GetValueOrDefault(column.Plan.Name),
                previous?.Column(column.Plan.Name)?.Histogram,
                countCategories: isTarget && classification,
                allowedLabels: isTarget && classification ? rules.LabelClasses : null);
        }).ToArray();
        var profiling = new DatasetProfiling(profilers, duplicates, sink);
        Func<CancellationToken, ValueTask>? flush = sink is null ? null : sink.FlushFullChunksAsync;
        var error = await CsvFile.ReadRowsAsync(path, profiling.ReadRow, flush, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            // The first pass read the same bytes to the end: only a file changed underneath gets here.
            throw new IOException($"{path} changed while it was inspected: {CsvFile.Describe(error, scan.Header)}");
        }

        profiling.Duplicates = duplicates.Finish(cancellationToken);

        return profiling;
    }

    private void ReadRow(CsvRowReader reader)
    {
        _row.Clear();
        if (reader.RowsRead == 1)
        {
            WriteHeader(reader);
            return;
        }

        if (reader.FieldCount != _profilers.Length)
        {
            return;
        }

        var row = reader.RowsRead - 1;
        for (var i = 0; i < _profilers.Length; i++)
        {
            if (i > 0)
            {
                _row.Separator();
            }

            _profilers[i].Add(reader.Field(i), row, reader.RowLine, _row);
        }

        _row.EndRow();
        _duplicates.Add(_row.Written, row, reader.RowLine);

        _sink?.Write(_row.Written);
    }

    private void WriteHeader(CsvRowReader reader)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (i > 0)
            {
                _row.Separator();
            }

            _row.AppendText(reader.Field(i));
        }

        _row.EndRow();
        _sink?.Write(_row.Written);
    }
}
